import { createDataSource } from '@hookline/db';
import { bullQueueOptions } from '@hookline/queue';
import Redis, { RedisOptions } from 'ioredis';
import type { Duplex } from 'node:stream';
import { mainPool } from '../../libs/db/src/typeorm-pool';
import { createTestDatabase, TestDatabase } from '../support/database';
import { reliesOn } from '../support/framework-internals';
import { testEnv } from '../support/test-env';

/**
 * What Hookline takes from inside ioredis and TypeORM for speed, checked against the real servers: an upgrade that
 * moves it fails here, naming the package, rather than as a slow path or an obscure error somewhere else.
 * (@nestjs/platform-express's multer helpers and Nest's reading of controller methods are checked in
 * apps/api/src/uploads/multipart-file.guard.spec.ts and apps/api/src/common/envelope-handlers.spec.ts.)
 */
describe('framework internals Hookline relies on', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("ioredis: a custom Connector's stream is the one commands are written to (libs/queue/src/coalesced-writes.ts)", async () => {
    const client = new Redis({ ...(bullQueueOptions(testEnv().REDIS_URL, 'hookline-test').redis as RedisOptions), lazyConnect: true });
    try {
      await reliesOn('ioredis', 'hands the stream of options.Connector to its command writer', 'libs/queue/src/coalesced-writes.ts', async () => {
        await client.connect();
        const stream = (client as unknown as { stream?: Duplex }).stream;
        if (!stream) throw new Error('the client has no `stream` field');
        if (stream.write.name !== 'coalescedWrite') throw new Error(`its stream's write is ${stream.write.name || 'anonymous'}, not the coalescing one`);
        if ((await client.ping()) !== 'PONG') throw new Error('PING through the coalesced stream did not answer PONG');
      });
    } finally {
      client.disconnect();
    }
  });

  it("typeorm: the PostgreSQL driver keeps its pg pool as `master`, with pg-pool's options (libs/db/src/typeorm-pool.ts)", async () => {
    const source = await createDataSource({ databaseUrl: db.url, poolSize: 2 }).initialize();
    try {
      await reliesOn('typeorm', 'keeps the pg Pool of a postgres data source at driver.master', 'libs/db/src/typeorm-pool.ts (prepared statements, the generic-plan pool)', async () => {
        const pool = mainPool(source);
        if (!pool) throw new Error('driver is not typeorm/driver/postgres/PostgresDriver, or it has no master pool');
        if (typeof pool.query !== 'function') throw new Error('driver.master has no query()');
        if (!pool.options || pool.options.max !== 2) throw new Error(`driver.master.options.max is ${JSON.stringify(pool.options?.max)}, not the pool size given`);
        const result = await pool.query({ name: 'hookline_internals_probe', text: 'SELECT $1::int AS one' }, [1]);
        if ((result.rows[0] as { one: number }).one !== 1) throw new Error('a named statement through driver.master did not answer');
      });
    } finally {
      await source.destroy();
    }
  });
});
