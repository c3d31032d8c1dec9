import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** SQL that PostgreSQL parses and plans once per connection, then only executes (see `runPrepared`). */
export interface PreparedStatement {
  name: string;
  text: string;
  /**
   * `generic`: planned once per session and the plan reused (see GenericPlanSource); only for statements whose generic
   * plan reaches every growing table by key, on empty tables and on large analyzed ones (prepared-plans.e2e-spec).
   */
  plan: 'custom' | 'generic';
}

/**
 * For the hot paths' statements, which run hundreds of times a second: each pooled connection parses them once
 * (measured on the worker's load: 1.4 → 1.0 ms a batch). By default they are still planned for their actual arguments
 * on every run (plan_cache_mode, data-source.ts); `{ plan: 'generic' }` plans them once per session too. Planning
 * is most of what a short batch costs PostgreSQL: for 15 rows the worker's load spends ~570 µs planning, and costs
 * ~1.1 ms of PostgreSQL CPU in all against ~0.45 ms with its generic plan. Named after the text, so two statements
 * never share a name.
 */
export function prepared(text: string, options: { plan?: 'custom' | 'generic' } = {}): PreparedStatement {
  const statement: PreparedStatement = { name: `hookline_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, plan: options.plan ?? 'custom' };
  DECLARED.push(statement);
  return statement;
}

const DECLARED: PreparedStatement[] = [];

/** Every statement declared so far (the repositories declare theirs when loaded): for the tests of their plans. */
export function declaredStatements(): readonly PreparedStatement[] {
  return DECLARED;
}

interface Executor {
  query(query: string, parameters?: unknown[]): Promise<unknown>;
}

interface PgResult {
  command: string;
  rows: unknown[];
  rowCount: number | null;
}

interface PgPool {
  query(config: PreparedStatement | string, values: unknown[]): Promise<PgResult>;
}

/**
 * Runs a prepared statement, answering what TypeORM's `query` would (rows; `[rows, rowCount]` for UPDATE and DELETE).
 * On the data source or its default manager (no transaction) it goes straight to the pg pool under TypeORM: its query
 * runner costs ~30 µs of CPU per statement on top of pg's ~27 (measured, 4 connections, SELECT $1), paid by every
 * batch of the hot paths. Inside a transaction it runs on the transaction's connection through TypeORM, which hands a
 * `{ name, text }` config to pg's `client.query` untouched. Errors are pg's own either way (`code` set), which is
 * what isDatabaseUnavailable reads.
 */
export async function runPrepared<T>(executor: Executor, statement: PreparedStatement, parameters: unknown[]): Promise<T> {
  const pool = poolOf(executor, statement.plan);
  if (!pool) return executor.query(statement as unknown as string, parameters) as Promise<T>;
  const result = await pool.query(statement, parameters);
  return (result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows) as T;
}

/**
 * The pg pool behind a data source or its default manager; null inside a transaction (a manager with a runner), where
 * the statement is planned for its arguments whatever its `plan` says. A generic statement runs on the data source's
 * generic-plan pool when it has one open (see GenericPlanSource).
 */
function poolOf(executor: Executor, plan: PreparedStatement['plan']): PgPool | null {
  const source = executor instanceof DataSource ? executor : executor instanceof EntityManager && !executor.queryRunner ? executor.connection : null;
  if (!source) return null;
  const generic = plan === 'generic' && source instanceof GenericPlanSource ? source.genericPlanPool() : null;
  return generic ?? mainPool(source) ?? null;
}

/** The pg pool TypeORM opened for a PostgreSQL data source (with the options pg-pool kept), if any. */
function mainPool(source: DataSource): (PgPool & { options?: PoolOptions }) | undefined {
  return source.driver instanceof PostgresDriver ? (source.driver.master as PgPool & { options?: PoolOptions }) : undefined;
}

/** Rows (per the last ANALYZE) that the fast-growing tables must each hold before generic plans are used. */
export const GENERIC_PLAN_MIN_ROWS = 10_000;
const GENERIC_PLAN_RECHECK_MS = 5_000;
const GROWING_TABLES_ROWS = `SELECT least(
         COALESCE((SELECT reltuples FROM pg_class WHERE oid = to_regclass('deliveries')), -1),
         COALESCE((SELECT reltuples FROM pg_class WHERE oid = to_regclass('events')), -1)) AS rows`;

type ClosablePool = PgPool & { end(): Promise<void> };
/** What pg-pool keeps of the options it was built with: the main pool's, handed to the opener of the generic one. */
export type PoolOptions = Record<string, unknown>;

/**
 * A data source with a second, small pg pool whose sessions plan prepared statements once (plan_cache_mode =
 * force_generic_plan), for the statements marked `generic`. The setting is per session, and it would also apply to
 * every unnamed statement TypeORM sends with parameters, so those never share these sessions.
 *
 * A generic plan follows the statistics of the last ANALYZE, scaled to the table's current size in pages. Made while
 * deliveries and events held a handful of rows (a new install), it walks them whole, or a webhook's whole backlog, and
 * keeps doing so while they grow fast until the next ANALYZE. So the pool is used only while both tables are
 * known (pg_class.reltuples, checked every 5 s without a timer) to hold GENERIC_PLAN_MIN_ROWS rows; before that the
 * statements are planned per run on the main pool, as everything else. Opened on first use, closed with the source.
 */
export class GenericPlanSource extends DataSource {
  private pool: ClosablePool | null = null;
  private openPool: ((main: PoolOptions) => ClosablePool) | null = null;
  private large = false;
  private checkedAt = -Infinity;
  private checking: Promise<boolean> | null = null;

  /**
   * How to open the pool, from the main pool's options (so both reach the server alike: URL, TLS, timeouts); until
   * this is called, generic statements run on the main pool (planned per run).
   */
  useGenericPlanPool(open: (main: PoolOptions) => ClosablePool): this {
    this.openPool = open;
    return this;
  }

  /** The generic-plan pool when it may be used now; null otherwise (the caller takes the main pool). */
  genericPlanPool(): PgPool | null {
    if (!this.openPool || !this.isInitialized) return null;
    if (Date.now() - this.checkedAt >= GENERIC_PLAN_RECHECK_MS) void this.checkTableSizes();
    if (!this.large) return null;
    if (this.pool) return this.pool;
    const main = mainPool(this);
    if (!main?.options) return null;
    this.pool = this.openPool(main.options);
    return this.pool;
  }

  /** Reads the growing tables' sizes now; answers whether generic plans are in use. Never throws (an error keeps the last answer). */
  checkTableSizes(): Promise<boolean> {
    if (this.checking) return this.checking;
    this.checkedAt = Date.now();
    const main = mainPool(this);
    if (!main || !this.isInitialized) return Promise.resolve(this.large);
    this.checking = main
      .query(GROWING_TABLES_ROWS, [])
      .then(
        (result) => {
          const [row] = result.rows as Array<{ rows: number | string } | undefined>;
          this.large = Number(row?.rows ?? -1) >= GENERIC_PLAN_MIN_ROWS;
          return this.large;
        },
        () => this.large,
      )
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  override async destroy(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.openPool = null;
    await this.checking;
    await super.destroy();
    await pool?.end();
  }
}
