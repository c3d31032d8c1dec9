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

/** 1. The machine's own ceiling: a separate process signing and POSTing to the receiver process, nothing else. */
export async function rawRun(ctx: BenchContext, run: number): Promise<RawRun> {
  const { options, receiver, children } = ctx;
  await receiver.reset();
  const path = `/raw/${run}`;
  const settings: RawSenderSettings = {
    url: receiver.url(path),
    warmupUrl: receiver.url('/warmup'),
    count: options.rawN,
    warmup: Math.min(5000, options.rawN),
    inFlight: options.inFlight,
  };
  const sender = children.start(`raw-sender-${run}`, join(ctx.build, 'bench', 'raw-sender.main.js'), [JSON.stringify(settings)], options.env);
  try {
    const result = await nextMessage<RawSenderResult>(sender, 'result', 60_000 + options.rawN * 2);
    if (result.failed > 0) throw new Void(`${result.failed} of ${options.rawN} POSTs failed (first: ${result.firstError})`);
    const received = await receiver.stats(path);
    if (received.distinct !== options.rawN) throw new Void(`the receiver has ${received.distinct} distinct webhook-ids of ${options.rawN}`);
    return { rate: options.rawN / (result.elapsedMs / 1000), requests: options.rawN, elapsedMs: result.elapsedMs };
  } finally {
    await children.stop(sender, 5000);
  }
}
