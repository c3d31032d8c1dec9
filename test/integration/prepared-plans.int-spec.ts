import { AttemptBatchRepository, createDataSource, declaredStatements, GENERIC_PLAN_MIN_ROWS, GenericPlanSource, PreparedStatement } from '@hookline/db';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * The hot statements marked `generic` are planned once per session and the plan reused for every batch, so no plan of
 * theirs may walk a table that grows with traffic: each must reach those tables through the index that matches the
 * statement's keys, on a new install's empty tables (never analyzed) as on analyzed ones with rows in them.
 */
const KEY_INDEXES: Record<string, string[]> = {
  deliveries: ['deliveries_pkey'],
  events: ['events_pkey'],
  delivery_attempts: ['delivery_attempts_pkey'],
  webhooks: ['webhooks_pkey', 'webhooks_fanout_idx'],
  api_keys: ['api_keys_hash_key'],
  uploads: ['uploads_pkey'],
  error_logs: ['error_logs_pkey'],
};

const INDEX_TABLE = Object.fromEntries(Object.entries(KEY_INDEXES).flatMap(([table, indexes]) => indexes.map((index) => [index, table])));

/** The plan's accesses to growing tables that are not by their key index. */
function offKey(plan: string[]): string[] {
  const wrong: string[] = [];
  for (const line of plan) {
    const seq = /Seq Scan on (\w+)/.exec(line);
    if (seq && KEY_INDEXES[seq[1]]) wrong.push(line.trim());
    const index = /(?:Index Scan|Index Only Scan) using (\w+) on (\w+)|Bitmap Index Scan on (\w+)/.exec(line);
    if (!index) continue;
    const name = index[1] ?? index[3];
    const table = index[2] ?? tableOfIndex(name);
    if (KEY_INDEXES[table] && !KEY_INDEXES[table].includes(name)) wrong.push(line.trim());
  }
  return wrong;
}

/** Hookline's index names start with their table's. */
function tableOfIndex(name: string): string {
  return INDEX_TABLE[name] ?? Object.keys(KEY_INDEXES).find((table) => name.startsWith(`${table}_`)) ?? name;
}

describe('generic plans of the hot statements', () => {
  let db: TestDatabase;
  let client: Client;
  const generic = () => declaredStatements().filter((s) => s.plan === 'generic');

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url, options: '-c plan_cache_mode=force_generic_plan' });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  async function plan(statement: PreparedStatement, index: number): Promise<string[]> {
    const name = `plan_${index}_${Date.now()}`;
    await client.query(`PREPARE ${name} AS ${statement.text}`);
    try {
      const [{ types }] = (await client.query<{ types: string[] }>(`SELECT parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = $1`, [name]))
        .rows;
      // Batches of 15: what a busy worker shares; the generic plan does not depend on the values.
      const args = types.map((type) => (type.endsWith('[]') ? `array_fill(NULL::${type.slice(0, -2)}, ARRAY[15])` : `NULL::${type}`));
      const rows = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${name}(${args.join(', ')})`)).rows;
      return rows.map((row) => row['QUERY PLAN']);
    } finally {
      await client.query(`DEALLOCATE ${name}`);
    }
  }

  async function violations(statements: readonly PreparedStatement[]): Promise<string[]> {
    const found: string[] = [];
    for (const [index, statement] of statements.entries()) {
      for (const line of offKey(await plan(statement, index))) found.push(`${statement.text.slice(0, 50).replace(/\s+/g, ' ')}…: ${line}`);
    }
    return found;
  }

  it('marks the worker\'s load and record and the publish as generic', () => {
    const texts = generic().map((s) => s.text);
    expect(texts.some((t) => t.includes('attempt_started_at = now()'))).toBe(true);
    expect(texts.some((t) => t.includes('INSERT INTO delivery_attempts'))).toBe(true);
    expect(texts.some((t) => t.includes('INSERT INTO deliveries (tenant_id, event_id, webhook_id)'))).toBe(true);
  });

  it('plans per run on the main pool while deliveries and events are small', async () => {
    const source = (await createDataSource({ databaseUrl: db.url, poolSize: 2 }).initialize()) as GenericPlanSource;
    try {
      expect(await source.checkTableSizes()).toBe(false);
      expect(source.genericPlanPool()).toBeNull();
    } finally {
      await source.destroy();
    }
  });

  it('reaches growing tables by key on a new install (empty, never analyzed)', async () => {
    expect(await violations(generic())).toEqual([]);
    // The check bites: the outbox's "mark queued" stays planned per run, as its generic plan here walks the partial
    // outbox index (the whole backlog) on every batch.
    expect((await violations(declaredStatements().filter((s) => s.plan === 'custom'))).join('\n')).toContain('deliveries_outbox_idx');
  });

  it('reaches growing tables by key once they hold thousands of rows and are analyzed', async () => {
    await db.query(`INSERT INTO tenants (id, name) SELECT gen_random_uuid(), 't' || n FROM generate_series(1, 60) n`);
    await db.query(`INSERT INTO event_types (tenant_id, key, name) SELECT id, 'plan.test', 'x' FROM tenants`);
    await db.query(`INSERT INTO api_keys (tenant_id, prefix, hash) SELECT t.id, 'hl_', md5(t.id::text || n) FROM tenants t, generate_series(1, 40) n`);
    await db.query(
      `INSERT INTO webhooks (tenant_id, event_type_id, user_id, url, secret_enc)
       SELECT et.tenant_id, et.id, n, 'http://127.0.0.1:9/hook', 'enc1:x:y:z:w' FROM event_types et, generate_series(1, 400) n WHERE et.tenant_id IS NOT NULL`,
    );
    await db.query(`INSERT INTO events (tenant_id, event_type_id, data) SELECT et.tenant_id, et.id, '{}' FROM event_types et, generate_series(1, 200) WHERE et.tenant_id IS NOT NULL`);
    await db.query(`INSERT INTO deliveries (tenant_id, event_id, webhook_id)
                    SELECT e.tenant_id, e.id, (SELECT w.id FROM webhooks w WHERE w.tenant_id = e.tenant_id LIMIT 1) FROM events e`);
    await db.query(`INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, url, duration_ms) SELECT tenant_id, id, 1, 'http://x', 1 FROM deliveries`);
    await db.query('ANALYZE');
    // (A plan made while they held a handful of rows scans them whole: those sessions end within a minute, data-source.ts.)
    expect(await violations(generic())).toEqual([]);
  });

  it('runs generic statements on sessions of their own once the tables are large, closed with the data source', async () => {
    // After the previous case: both tables hold more rows than the threshold, and are analyzed.
    const [{ rows }] = await db.query<{ rows: number }>(`SELECT min(reltuples) AS rows FROM pg_class WHERE relname IN ('deliveries', 'events')`);
    expect(rows).toBeGreaterThanOrEqual(GENERIC_PLAN_MIN_ROWS);
    const source = await createDataSource({ databaseUrl: db.url, poolSize: 2 }).initialize();
    expect(source).toBeInstanceOf(GenericPlanSource);
    expect(await (source as GenericPlanSource).checkTableSizes()).toBe(true);
    const pool = (source as GenericPlanSource).genericPlanPool() as unknown as { query(sql: string): Promise<{ rows: Array<{ plan_cache_mode: string }> }>; ending: boolean };
    expect((await pool.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('force_generic_plan');
    expect((await source.query('SHOW plan_cache_mode'))[0].plan_cache_mode).toBe('force_custom_plan');
    await source.destroy();
    expect(pool.ending).toBe(true);
  });

  it('loads through the generic sessions, and again after PostgreSQL ended them', async () => {
    const source = (await createDataSource({ databaseUrl: db.url, poolSize: 2, applicationName: 'hookline-plans' }).initialize()) as GenericPlanSource;
    try {
      expect(await source.checkTableSizes()).toBe(true);
      const batches = new AttemptBatchRepository(source);
      const wanted = await db.query<{ tenant_id: string; id: string }>(`SELECT tenant_id, id FROM deliveries ORDER BY id LIMIT 3`);
      const load = () => batches.load(wanted.map((d) => ({ tenantId: d.tenant_id, deliveryId: d.id, journal: false })));
      expect((await load()).map((work) => work?.deliveryId)).toEqual(wanted.map((d) => d.id));
      // What a restart does to the sessions: the pool drops the dead ones and the next batch opens a new one.
      const ended = await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hookline-plans'`);
      expect(ended.length).toBeGreaterThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await load()).map((work) => work?.deliveryId)).toEqual(wanted.map((d) => d.id));
    } finally {
      await source.destroy();
    }
  });
});
