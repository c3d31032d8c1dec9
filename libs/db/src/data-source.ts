import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';

export interface DataSourceOptions {
  databaseUrl: string;
  poolSize?: number;
  applicationName?: string;
}

/** The one TypeORM data source shape, used by the apps, the CLI and the tests. Schema changes only by migrations. */
export function createDataSource({ databaseUrl, poolSize = 20, applicationName = 'hookline' }: DataSourceOptions): DataSource {
  return new DataSource({
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
      options: '-c plan_cache_mode=force_custom_plan',
    },
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
