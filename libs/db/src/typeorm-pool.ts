import { DataSource } from 'typeorm';
// TypeORM's PostgreSQL driver, by its path inside typeorm 0.3 (not re-exported from its index);
// test/integration/framework-internals.int-spec.ts fails, naming typeorm, if a release moves it or stops keeping the pg
// pool as `master`.
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export interface PgResult {
  command: string;
  rows: unknown[];
  rowCount: number | null;
}

export interface PgPool {
  query(config: { name: string; text: string } | string, values: unknown[]): Promise<PgResult>;
}

/** What pg-pool keeps of the options it was built with: the main pool's, handed to the opener of the generic one. */
export type PoolOptions = Record<string, unknown>;

/** The pg pool TypeORM opened for a PostgreSQL data source (with the options pg-pool kept), if any. */
export function mainPool(source: DataSource): (PgPool & { options?: PoolOptions }) | undefined {
  return source.driver instanceof PostgresDriver ? (source.driver.master as PgPool & { options?: PoolOptions }) : undefined;
}

