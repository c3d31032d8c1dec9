import { sleep } from './clock';
import { Stack } from './stack';

/**
 * Outpost-style bookkeeping for one run: every delivery the run published must have reached the receiver, be
 * `succeeded` in PostgreSQL and have exactly one attempt row. Anything else voids the run.
 */
export interface Ledger {
  published: number;
  delivered: number;
  missing: number;
  succeeded: number;
  oneAttempt: number;
  /** Requests the receiver got beyond one per webhook-id (redeliveries). */
  duplicates: number;
}

/**
 * The receiver can have a delivery a moment before the worker has recorded it, so the books are read until every
 * delivery is recorded as finished or `settleMs` passes.
 */
export async function takeLedger(stack: Stack, tenantId: string, received: { distinct: number; total: number }, settleMs = 15_000): Promise<Ledger> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const ledger = await readLedger(stack, tenantId, received);
    if ((ledger.succeeded === ledger.published && ledger.oneAttempt === ledger.published) || Date.now() >= deadline) return ledger;
    await sleep(100);
  }
}

async function readLedger(stack: Stack, tenantId: string, received: { distinct: number; total: number }): Promise<Ledger> {
  const [row] = (
    await stack.db.query<{ published: string; succeeded: string; one_attempt: string }>(
      `SELECT count(*) AS published,
              count(*) FILTER (WHERE d.status = 'succeeded') AS succeeded,
              count(*) FILTER (WHERE a.n = 1) AS one_attempt
         FROM deliveries d
         LEFT JOIN (SELECT delivery_id, count(*) AS n FROM delivery_attempts WHERE tenant_id = $1 GROUP BY delivery_id) a
           ON a.delivery_id = d.id
        WHERE d.tenant_id = $1`,
      [tenantId],
    )
  ).rows;
  const published = Number(row.published);
  return {
    published,
    delivered: received.distinct,
    missing: published - received.distinct,
    succeeded: Number(row.succeeded),
    oneAttempt: Number(row.one_attempt),
    duplicates: received.total - received.distinct,
  };
}

/** Why the ledger voids its run, or null when it balances. */
export function ledgerProblem(ledger: Ledger, expected: number): string | null {
  if (ledger.published !== expected) return `published ${ledger.published} deliveries, expected ${expected}`;
  if (ledger.missing !== 0) return `ledger: published ${ledger.published} = delivered ${ledger.delivered} + missing ${ledger.missing}`;
  if (ledger.succeeded !== ledger.published) return `${ledger.published - ledger.succeeded} deliveries not 'succeeded' in PostgreSQL`;
  if (ledger.oneAttempt !== ledger.published) return `${ledger.published - ledger.oneAttempt} deliveries without exactly one attempt row`;
  return null;
}
