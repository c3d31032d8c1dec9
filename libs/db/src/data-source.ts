import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';
import { GenericPlanSource } from './generic-plan.source';

export interface DataSourceOptions {
  databaseUrl: string;
  poolSize?: number;
  applicationName?: string;
}

/** Sessions for the generic-plan statements: each GroupCommit has one batch out at a time, and few kinds are hot. */
const GENERIC_PLAN_POOL_SIZE = 4;
/**
 * A generic plan is replaced when its tables' statistics change (ANALYZE), not when a table merely grows, and one made
 * on a few rows scans them in full. The pool is only used once the growing tables are large (GenericPlanSource); its
 * sessions also end after this long, so a plan made in between (say, retention emptied a table that then refills
 * before the next ANALYZE) lasts a minute at most.
 */
const GENERIC_PLAN_SESSION_S = 60;

/** The one TypeORM data source shape, used by the apps, the CLI and the tests. Schema changes only by migrations. */
export function createDataSource({ databaseUrl, poolSize = 20, applicationName = 'hookline' }: DataSourceOptions): DataSource {
  const source = new GenericPlanSource({
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName,
    extra: {
      max: poolSize,
      // A database that is away must fail requests fast (503), not hang them.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      statement_timeout: 30000,
      // The hot paths' prepared statements (prepared-statement.ts) are planned for their actual arguments each time:
      // a generic plan cached while a table was still small (a fresh install) would keep scanning it whole once big.
      // Those whose generic plan reaches every growing table by key run on the pool below once those tables are large.
      options: '-c plan_cache_mode=force_custom_plan',
    },
  });
  return source.useGenericPlanPool((main) => {
    const pool = new Pool({
      ...main,
      max: Math.min(poolSize, GENERIC_PLAN_POOL_SIZE),
      maxLifetimeSeconds: GENERIC_PLAN_SESSION_S,
      options: '-c plan_cache_mode=force_generic_plan',
    });
    // An idle session that dies (a restart) is dropped by the pool; the next statement reports the outage itself.
    pool.on('error', () => undefined);
    return pool;
  });
}

/** True for the errors pg and TypeORM raise when the database is unreachable or restarting. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const err = error as { code?: string; message?: string; driverError?: { code?: string } };
  const code = err?.code ?? err?.driverError?.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(code)) {
    return true;
  }
  const message = err?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Connection refused|the database system is (starting up|shutting down)|Client has encountered a connection error/i.test(
    message,
  );
}
