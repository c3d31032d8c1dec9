import { databaseName } from '@hookline/config';
import { Cipher, CipherBinding, CipherKey } from '@hookline/signing';
import { createDataSource } from './data-source';
import { Client } from 'pg';

/** Creates the database named by the URL when it does not exist yet, so a fresh machine needs no manual step. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  if (!name) throw new Error('DATABASE_URL names no database: refusing to run migrations into the server\'s default one');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    // Two processes starting at once may race to create it; the loser finds it there.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

export interface MigrationOptions {
  /** ENCRYPTION_KEY and ENCRYPTION_KEYS_PREVIOUS: for migrations that re-encrypt stored secrets. */
  encryptionKeys?: CipherKey[];
}

/**
 * What migrations may use beyond SQL, handed to them on their data source (migrations import nothing from the libs,
 * which import them). `rebind`: a ciphertext written before bindings (enc1), re-encrypted bound to its row.
 */
export interface MigrationContext {
  rebind(stored: string, binding: CipherBinding): string;
}

/** Applies pending migrations (idempotent); returns the names it applied. */
export async function runMigrations(databaseUrl: string, options: MigrationOptions = {}): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const source = createDataSource({ databaseUrl, poolSize: 2, applicationName: 'hookline-migrate' });
  const keys = options.encryptionKeys;
  if (keys && keys.length > 0) {
    const cipher = new Cipher(keys);
    const context: MigrationContext = { rebind: (stored, binding) => cipher.encrypt(cipher.decryptUnbound(stored), binding) };
    Object.assign(source, { migrationContext: context });
  }
  const dataSource = await source.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
