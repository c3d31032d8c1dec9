import { join } from 'node:path';
import { nextMessage } from '../children';
import { BenchContext, Void } from '../context';
import type { RawSenderResult, RawSenderSettings } from '../raw-sender.main';

export interface RawRun {
  /** Signed 1 KiB POSTs per second. */
  rate: number;
  requests: number;
  elapsedMs: number;
}

/**
 * 1. The machine's own ceiling: a separate process signing and POSTing to the receiver process, nothing else.
 * `count` POSTs (default the section's rawN); `label` names its receiver path and process (default the run number).
 */
export async function rawRun(ctx: BenchContext, run: number, count = ctx.options.rawN, label = String(run)): Promise<RawRun> {
  const { options, receiver, children } = ctx;
  await receiver.reset();
  const path = `/raw/${label}`;
  const settings: RawSenderSettings = {
    url: receiver.url(path),
    warmupUrl: receiver.url('/warmup'),
    count,
    warmup: Math.min(5000, count),
    inFlight: options.inFlight,
  };
  const sender = children.start(`raw-sender-${label}`, join(ctx.build, 'bench', 'raw-sender.main.js'), [JSON.stringify(settings)], options.env);
  try {
    const result = await nextMessage<RawSenderResult>(sender, 'result', 60_000 + count * 2);
    if (result.failed > 0) throw new Void(`${result.failed} of ${count} POSTs failed (first: ${result.firstError})`);
    const received = await receiver.stats(path);
    if (received.distinct !== count) throw new Void(`the receiver has ${received.distinct} distinct webhook-ids of ${count}`);
    return { rate: count / (result.elapsedMs / 1000), requests: count, elapsedMs: result.elapsedMs };
  } finally {
    await children.stop(sender, 5000);
  }
}

/** POSTs in the raw-ceiling run taken just before each drain, end-to-end and fan-out run (a few seconds' worth). */
export function pairedRawCount(rawN: number): number {
  return Math.min(rawN, 30_000);
}

/**
 * Runs a raw-ceiling run, then `measure`, and returns the measured run with that ceiling beside it: on a machine whose
 * speed drifts from minute to minute (a shared VM), a rate and the ceiling it is compared with must come from the same
 * minute.
 */
export async function withPairedRaw<T extends object>(ctx: BenchContext, label: string, run: number, measure: () => Promise<T>): Promise<T & { pairedRaw: number }> {
  const ceiling = await rawRun(ctx, run, pairedRawCount(ctx.options.rawN), `${label}-${run}`);
  return { ...(await measure()), pairedRaw: ceiling.rate };
}
