import { now } from '../clock';
import { BenchContext, Void } from '../context';
import { createBacklog, createTenant, registerWebhook } from '../fixtures';
import { Ledger, ledgerProblem, takeLedger } from '../ledger';
import { Stack } from '../stack';
import { awaitDeliveries, deliveryTimeoutMs } from './worker-control';

export interface DrainRun {
  /** Deliveries per second, first arrival to last. */
  rate: number;
  deliveries: number;
  /** Worker process start to its first delivery arriving (not part of the rate). */
  bootMs: number;
  drainMs: number;
  backlogMs: number;
  ledger: Ledger;
  /** The raw ceiling measured just before this run (withPairedRaw), when there was one. */
  pairedRaw?: number;
}

/** 2. A backlog created while the worker is stopped, then the real worker started: how fast does it empty it? */
export async function drainRun(ctx: BenchContext, stack: Stack, run: number): Promise<DrainRun> {
  const { receiver, options } = ctx;
  await stack.stopWorker();
  await receiver.reset();
  const count = options.n;
  const path = `/drain/${run}`;
  const tenant = await createTenant(stack, `bench-drain-${run}`);
  const webhook = await registerWebhook(stack, tenant, receiver.url(path));
  const backlogStarted = now();
  await createBacklog(stack, tenant, webhook, count);
  const backlogMs = now() - backlogStarted;

  const startedAt = now();
  stack.startWorker();
  try {
    const received = await awaitDeliveries(ctx, stack, path, count, deliveryTimeoutMs(count));
    const { firstAt, lastAt } = received;
    const ledger = await takeLedger(stack, tenant.id, received);
    const problem = ledgerProblem(ledger, count);
    if (problem) throw new Void(problem);
    const drainMs = lastAt - firstAt;
    return { rate: count / (Math.max(drainMs, 1) / 1000), deliveries: count, bootMs: firstAt - startedAt, drainMs, backlogMs, ledger };
  } finally {
    await stack.stopWorker();
  }
}
