import { BenchContext, Void } from '../context';
import { BenchTenant, cloneWebhooks, createTenant, registerWebhook } from '../fixtures';
import { Ledger, ledgerProblem, takeLedger } from '../ledger';
import { Publisher, PublishTotals } from '../publisher';
import { Stack } from '../stack';
import { awaitDeliveries, deliveryTimeoutMs, ensureWorker, Reached } from './worker-control';

export interface EndToEndRun {
  /** Deliveries per second, from the first publish to the last arrival. */
  rate: number;
  deliveries: number;
  publishMs: number;
  totalMs: number;
  ledger: Ledger;
  /** The raw ceiling measured just before this run (withPairedRaw), when there was one. */
  pairedRaw?: number;
  /** The unmeasured publishes before this run (warmUpEndToEnd), when there were some. */
  warmUp?: WarmUp;
}

export interface WarmUp {
  events: number;
  /** Deliveries per second of the warm-up itself, first publish to last arrival (before the first run, a cold API's). */
  rate: number;
}

interface Delivered {
  tenant: BenchTenant;
  totals: PublishTotals;
  received: Reached;
}

/** A tenant of its own with one webhook to `path`; `count` events published `inFlight` at a time, and all delivered. */
async function publishAndDeliver(ctx: BenchContext, stack: Stack, name: string, path: string, count: number): Promise<Delivered> {
  const { receiver, options } = ctx;
  const tenant = await createTenant(stack, name);
  await registerWebhook(stack, tenant, receiver.url(path));
  const publisher = new Publisher(stack.apiUrl, tenant.apiKey, options.inFlight);
  try {
    const totals = await publisher.publishMany(count, options.inFlight);
    if (totals.failed > 0) throw new Void(`${name}: ${totals.failed} of ${count} publishes failed (first: ${totals.firstError})`);
    return { tenant, totals, received: await awaitDeliveries(ctx, stack, path, count, deliveryTimeoutMs(count)) };
  } finally {
    await publisher.close();
  }
}

/**
 * Before each end-to-end run, half as many events again are published and delivered to a tenant of their own, as the
 * ingestion section loads for 2 s before it measures: the drain that runs first never calls the API, and an API's
 * first tens of thousands of publishes cost it more CPU than later ones (measured here: 447 against 341 µs per
 * publish between the first and second runs of 20,000; the first run read 1,286–1,471 deliveries/s against
 * 1,614–1,784 for the second, in 12 of 12 pairs). The figure is the rate a running installation sustains; the
 * warm-up's own rate is kept in the JSON.
 */
export async function warmUpEndToEnd(ctx: BenchContext, stack: Stack, run: number): Promise<WarmUp> {
  await ensureWorker(ctx, stack);
  const events = Math.ceil(ctx.options.n / 2);
  const { totals, received } = await publishAndDeliver(ctx, stack, `bench-e2e-warmup-${run}`, `/e2e-warmup/${run}`, events);
  return { events, rate: events / ((received.lastAt - totals.startedAt) / 1000) };
}

/** 3. N events through POST /v1/events, one subscribed webhook, `inFlight` publishes at a time, worker running. */
export async function endToEndRun(ctx: BenchContext, stack: Stack, run: number): Promise<EndToEndRun> {
  await ensureWorker(ctx, stack);
  await ctx.receiver.reset();
  const count = ctx.options.n;
  const { tenant, totals, received } = await publishAndDeliver(ctx, stack, `bench-e2e-${run}`, `/e2e/${run}`, count);
  const ledger = await takeLedger(stack, tenant.id, received);
  const problem = ledgerProblem(ledger, count);
  if (problem) throw new Void(problem);
  const totalMs = received.lastAt - totals.startedAt;
  return { rate: count / (totalMs / 1000), deliveries: count, publishMs: totals.endedAt - totals.startedAt, totalMs, ledger };
}

/** 3b. One event, `fanoutWebhooks` webhooks subscribed to its type: deliveries per second from publish to last arrival. */
export async function fanOutRun(ctx: BenchContext, stack: Stack, run: number): Promise<EndToEndRun> {
  const { receiver, options } = ctx;
  await ensureWorker(ctx, stack);
  await receiver.reset();
  const count = options.fanoutWebhooks;
  const path = `/fanout/${run}`;
  const tenant = await createTenant(stack, `bench-fanout-${run}`);
  const webhook = await registerWebhook(stack, tenant, receiver.url(path));
  await cloneWebhooks(stack, tenant, webhook, count - 1);
  const publisher = new Publisher(stack.apiUrl, tenant.apiKey, 1);
  try {
    const published = await publisher.publish(0);
    if (published.status !== 202) throw new Void(`the publish answered ${published.error}`);
    const received = await awaitDeliveries(ctx, stack, path, count, deliveryTimeoutMs(count));
    const ledger = await takeLedger(stack, tenant.id, received);
    const problem = ledgerProblem(ledger, count);
    if (problem) throw new Void(problem);
    const totalMs = received.lastAt - published.sentAt;
    return { rate: count / (totalMs / 1000), deliveries: count, publishMs: published.answeredAt - published.sentAt, totalMs, ledger };
  } finally {
    await publisher.close();
  }
}
