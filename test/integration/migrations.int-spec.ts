import { loadConfig } from '@hookline/config';
import { createDataSource, runMigrations } from '@hookline/db';
import { Cipher, webhookHeadersBinding, webhookSecretBinding } from '@hookline/signing';
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import { testEnv } from '../support/test-env';

/** A value as the code before BindCiphertextsToRows wrote it: AES-256-GCM bound to the key id only. */
function unboundCiphertext(plaintext: string, key: { id: string; key: Buffer }): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce);
  cipher.setAAD(Buffer.from(`enc1:${key.id}`));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['enc1', key.id, nonce.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

/** Each migration runs forward on a database that already holds data written by the code before it. */
describe('migrations on a database with data', () => {
  const name = `hookline_migrate_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = (() => {
    const parsed = new URL(testEnv().DATABASE_URL);
    parsed.pathname = `/${name}`;
    return parsed.toString();
  })();
  let client: Client;

  beforeAll(async () => {
    const admin = new Client({ connectionString: testEnv().DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    client = new Client({ connectionString: url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    const admin = new Client({ connectionString: testEnv().DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('BindCiphertextsToRows re-encrypts every webhook secret and header set for its own row, and copies stop decrypting', async () => {
    const index = MIGRATIONS.findIndex((migration) => migration.name === 'BindCiphertextsToRows1796613422255');
    expect(index).toBeGreaterThan(0);
    const before = createDataSource({ databaseUrl: url, poolSize: 1 });
    before.setOptions({ migrations: MIGRATIONS.slice(0, index) });
    await before.initialize();
    await before.runMigrations({ transaction: 'each' });
    await before.destroy();

    // The keys `npm start` and `migration:run` hand the migrations (the development key here).
    const [key] = loadConfig({}).encryptionKeys;
    const [{ id: typeId }] = (await client.query(`SELECT id FROM event_types WHERE key = 'file.uploaded'`)).rows;
    const tenants = [randomUUID(), randomUUID()];
    const hooks = [
      { id: randomUUID(), tenant: tenants[0], secret: 'whsec_aaaa', previous: 'whsec_prev', headers: { authorization: 'Bearer a' } },
      { id: randomUUID(), tenant: tenants[1], secret: 'whsec_bbbb', previous: null, headers: null },
    ];
    for (const tenant of tenants) await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'migrated')`, [tenant]);
    for (const hook of hooks) {
      await client.query(
        `INSERT INTO webhooks (id, tenant_id, event_type_id, user_id, url, secret_enc, previous_secret_enc, custom_headers_enc)
         VALUES ($1, $2, $3, 1, 'https://example.com/h', $4, $5, $6)`,
        [
          hook.id,
          hook.tenant,
          typeId,
          unboundCiphertext(hook.secret, key),
          hook.previous && unboundCiphertext(hook.previous, key),
          hook.headers && unboundCiphertext(JSON.stringify(hook.headers), key),
        ],
      );
    }

    // Without the keys it refuses rather than leave secrets unreadable or skip them.
    await expect(runMigrations(url)).rejects.toThrow(/run the migrations with the encryption keys/);
    expect(await runMigrations(url, { encryptionKeys: [key] })).toEqual(['BindCiphertextsToRows1796613422255']);

    const cipher = new Cipher([key]);
    const rows = (await client.query(`SELECT id, tenant_id, secret_enc, previous_secret_enc, custom_headers_enc FROM webhooks ORDER BY id`)).rows;
    expect(rows).toHaveLength(2);
    for (const hook of hooks) {
      const row = rows.find((candidate) => candidate.id === hook.id);
      for (const value of [row.secret_enc, row.previous_secret_enc, row.custom_headers_enc].filter(Boolean)) expect(value).toMatch(/^enc2:/);
      expect(cipher.decrypt(row.secret_enc, webhookSecretBinding(hook.tenant, hook.id))).toBe(hook.secret);
      if (hook.previous) expect(cipher.decrypt(row.previous_secret_enc, webhookSecretBinding(hook.tenant, hook.id))).toBe(hook.previous);
      else expect(row.previous_secret_enc).toBeNull();
      if (hook.headers) expect(cipher.decryptJson(row.custom_headers_enc, webhookHeadersBinding(hook.tenant, hook.id))).toEqual(hook.headers);
      else expect(row.custom_headers_enc).toBeNull();
    }
    // A's secret copied into B's row no longer decrypts there.
    const a = rows.find((row) => row.id === hooks[0].id);
    expect(() => cipher.decrypt(a.secret_enc, webhookSecretBinding(hooks[1].tenant, hooks[1].id))).toThrow();
    // Run again: nothing left to do.
    expect(await runMigrations(url)).toEqual([]);
  });
});
