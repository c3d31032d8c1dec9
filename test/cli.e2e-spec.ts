import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, TestDatabase } from './support/database';
import { testEnv } from './support/test-env';

const run = promisify(execFile);
const dist = join(__dirname, '..', 'dist', 'apps', 'cli', 'src');

/** The operator's entry points, as built by `npm run build` (npm test builds first). */
describe('command line', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    if (!existsSync(join(dist, 'tenant-create.main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  const env = (extra: Record<string, string>) => ({ PATH: process.env.PATH, DATABASE_URL: db.url, REDIS_URL: testEnv().REDIS_URL, ...extra });

  it('tenant:create prints one JSON line with the tenant id and a working key, stored only as a hash', async () => {
    const { stdout } = await run(process.execPath, [join(dist, 'tenant-create.main.js'), '--name', 'cli tenant'], { env: env({}) });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const created = JSON.parse(lines[0]);
    expect(created).toEqual({ tenant_id: expect.stringMatching(/^[0-9a-f-]{36}$/), api_key: expect.stringMatching(/^hk_/) });
    const [tenant] = await db.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [created.tenant_id]);
    expect(tenant.name).toBe('cli tenant');
    const keys = await db.query<{ hash: string }>('SELECT hash FROM api_keys WHERE tenant_id = $1', [created.tenant_id]);
    expect(keys).toHaveLength(1);
    expect(keys[0].hash).not.toContain(created.api_key);
  });

  it('tenant:create refuses a missing name with usage', async () => {
    const failure = await run(process.execPath, [join(dist, 'tenant-create.main.js')], { env: env({}) }).catch((error) => error);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('--name');
  });

  it('migration:run is idempotent on a migrated database', async () => {
    const { stdout } = await run(process.execPath, [join(dist, 'migrate.main.js')], { env: env({}) });
    expect(stdout).toContain('Database is up to date');
  });

  it('creates a missing database and migrates it', async () => {
    const name = `${db.name}_fresh`;
    const url = new URL(db.url);
    url.pathname = `/${name}`;
    try {
      const { stdout } = await run(process.execPath, [join(dist, 'migrate.main.js')], { env: env({ DATABASE_URL: url.toString() }) });
      expect(stdout).toMatch(/Applied \d+ migration/);
    } finally {
      await db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('stops at once, naming the URL and how to start one, when PostgreSQL or Redis is unreachable', async () => {
    const failure = await run(process.execPath, [join(dist, 'migrate.main.js')], {
      env: env({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/hookline', REDIS_URL: 'redis://127.0.0.1:2/0' }),
      timeout: 15000,
    }).catch((error) => error);
    expect(failure.code).toBe(1);
    // The whole userinfo is redacted, user name included.
    expect(failure.stderr).toContain('PostgreSQL is not reachable at postgres://***@127.0.0.1:1/hookline');
    expect(failure.stderr).toContain('Redis is not reachable at redis://127.0.0.1:2/0');
    expect(failure.stderr).toContain('docker compose up -d postgres');
    expect(failure.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops with the name of a bad variable', async () => {
    for (const script of ['migrate.main.js', join('..', '..', 'api', 'src', 'main.js'), join('..', '..', 'worker', 'src', 'main.js')]) {
      const failure = await run(process.execPath, [join(dist, script)], { env: env({ RETRY_SCHEDULE: 'often' }), timeout: 15000 }).catch((error) => error);
      expect(failure.code).toBe(1);
      expect(failure.stderr).toContain('RETRY_SCHEDULE');
      expect(failure.stderr).not.toMatch(/\n\s+at /);
    }
  });

  describe('start-up checks', () => {
    const cli = (script: string, extra: Record<string, string>) =>
      run(process.execPath, [join(dist, script)], { env: env(extra), timeout: 15000 }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
    const redis = new URL(testEnv().REDIS_URL);
    const postgres = new URL(testEnv().DATABASE_URL);

    it('refuses a DATABASE_URL that names no database instead of migrating the server default one', async () => {
      const withoutName = new URL(db.url);
      withoutName.pathname = '/';
      const failure = await cli('migrate.main.js', { DATABASE_URL: withoutName.toString() });
      expect(failure.code).toBe(1);
      expect(failure.stderr).toContain('DATABASE_URL must name its database');
    });

    it('refuses a Redis database index the server does not have, instead of falling back to 0', async () => {
      const failure = await cli('migrate.main.js', { REDIS_URL: `redis://${redis.host}/999` });
      expect(failure.code).toBe(1);
      expect(failure.stderr).toMatch(/Redis at redis:\/\/[^ ]+\/999 refuses database index 999/);
    });

    it("refuses a REDIS_URL that names PostgreSQL's port: a TCP answer is not a Redis", async () => {
      const failure = await cli('migrate.main.js', { REDIS_URL: `redis://${postgres.hostname}:${postgres.port || 5432}/0` });
      expect(failure.code).toBe(1);
      expect(failure.stderr).toMatch(/another service's port/);
    });

    it('hides the whole user name and password of a URL in its errors, however the password is spelt', async () => {
      for (const password of ['Kr4zyQ@ss7#Wd9x', 'S3cr3tZz@@', 'Ab1#Cd2']) {
        const failure = await cli('migrate.main.js', { DATABASE_URL: `postgres://hookline:${password}@127.0.0.1:1/hookline` });
        expect(failure.code).toBe(1);
        for (const part of password.split(/[@#]/).filter((piece) => piece.length > 1)) expect({ password, stderr: failure.stderr }).toEqual({ password, stderr: expect.not.stringContaining(part) });
        expect(failure.stderr).not.toContain('hookline:');
      }
    });

    it('names PORT when the port is taken, and says where it listens, 127.0.0.1 by default', async () => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const taken = (holder.address() as AddressInfo).port;
      try {
        const failure = await cli(join('..', '..', 'api', 'src', 'main.js'), { PORT: String(taken), LOG_LEVEL: 'info' });
        expect(failure.code).toBe(1);
        expect(failure.stderr).toContain(`127.0.0.1:${taken} is already in use (PORT=${taken})`);
        expect(failure.stderr).not.toMatch(/\n\s+at /);
      } finally {
        holder.close();
      }
    });
  });
});
