import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@hookline/db';
import { testEnv } from './test-env';

export interface TestDatabase {
  url: string;
  name: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A database of its own for one suite, migrated by the real migrations, dropped at the end. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { DATABASE_URL } = testEnv();
  const name = `hookline_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(DATABASE_URL, name);
  await runMigrations(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    url,
    name,
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    drop: async () => {
      await client.end();
      const admin = new Client({ connectionString: withDatabase(DATABASE_URL, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
