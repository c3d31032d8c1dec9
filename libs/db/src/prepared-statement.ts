import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { GenericPlanSource } from './generic-plan.source';
import { mainPool, PgPool } from './typeorm-pool';

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
