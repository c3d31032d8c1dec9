import { Children } from '../children';
import { now, sleep } from '../clock';
import { BenchContext, Void } from '../context';
import { BenchTenant, BenchWebhook, createBacklog, createTenant, registerWebhook } from '../fixtures';
import { PathStats } from '../receiver.protocol';
import { Stack } from '../stack';

/** A path's stats once its deliveries arrived: first and last arrival are known. */
export type Reached = PathStats & { firstAt: number; lastAt: number };

const WARMUP_PATH = '/ready';
const warmupTargets = new WeakMap<Stack, { tenant: BenchTenant; webhook: BenchWebhook }>();

/**
 * Waits until the receiver has `count` distinct deliveries on `path`. Bounded by `timeoutMs`, and ends at once when
 * the worker process dies, with the end of its log as the reason.
 */
export async function awaitDeliveries(ctx: BenchContext, stack: Stack, path: string, count: number, timeoutMs: number): Promise<Reached> {
  const startedAt = now();
  const worker = stack.worker;
  const died = new Promise<never>((_, reject) => {
    void worker?.exited.then((how) => reject(new Void(`the worker exited (${how}) before the receiver had ${count} deliveries:\n${Children.tail(worker)}`)));
  });
  died.catch(() => undefined);
  const waited = await Promise.race([ctx.receiver.wait(path, count, timeoutMs), died]);
  if (!waited.reached) {
    throw new Void(`timed out: the receiver had ${waited.stats.distinct} of ${count} deliveries after ${Math.round((now() - startedAt) / 1000)} s`);
  }
  return waited.stats as Reached;
}

/** Bounds a wait for `count` deliveries: generous (100/s), so only a stuck pipeline hits it. */
export function deliveryTimeoutMs(count: number): number {
  return 60_000 + count * 10;
}

/**
 * Makes sure the worker is running and has booted (it has delivered one job), so a measurement that starts now
 * does not include the worker's start-up.
 */
export async function ensureWorker(ctx: BenchContext, stack: Stack): Promise<void> {
  if (stack.worker && !stack.worker.hasExited()) return;
  let target = warmupTargets.get(stack);
  if (!target) {
    const tenant = await createTenant(stack, 'bench-warmup');
    target = { tenant, webhook: await registerWebhook(stack, tenant, ctx.receiver.url(WARMUP_PATH)) };
    warmupTargets.set(stack, target);
  }
  const before = (await ctx.receiver.stats(WARMUP_PATH)).distinct;
  await createBacklog(stack, target.tenant, target.webhook, 1);
  stack.startWorker();
  await awaitDeliveries(ctx, stack, WARMUP_PATH, before + 1, 60_000);
  // Let the warm-up delivery be recorded before anything else is measured.
  await sleep(200);
}
