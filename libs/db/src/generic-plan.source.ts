import { DataSource } from 'typeorm';
import { mainPool, PgPool, PoolOptions } from './typeorm-pool';

/** Rows (per the last ANALYZE) that the fast-growing tables must each hold before generic plans are used. */
export const GENERIC_PLAN_MIN_ROWS = 10_000;
const GENERIC_PLAN_RECHECK_MS = 5_000;
const GROWING_TABLES_ROWS = `SELECT least(
         COALESCE((SELECT reltuples FROM pg_class WHERE oid = to_regclass('deliveries')), -1),
         COALESCE((SELECT reltuples FROM pg_class WHERE oid = to_regclass('events')), -1)) AS rows`;

type ClosablePool = PgPool & { end(): Promise<void> };

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
