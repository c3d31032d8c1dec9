import { now, sleep } from '../clock';
import { BenchContext, Unavailable, Void } from '../context';
import { createTenant, registerWebhook } from '../fixtures';
import { Ledger, ledgerProblem, takeLedger } from '../ledger';
import { Published, Publisher } from '../publisher';
import { Stack } from '../stack';
import { percentile } from '../stats';
import { awaitDeliveries, ensureWorker } from './worker-control';

const TRACKED = '/latency/';
/** A slow API must not pile up unbounded requests: past this many in flight the pacer waits. */
const MAX_IN_FLIGHT = 50;

export interface LatencyRun {
  /** Publishes per second the run was paced at. */
  rate: number;
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  ledger: Ledger;
}

/**
 * 5. Publish→arrival at light load: publishes paced at `rate` (10% of the end-to-end rate), each matched to its
 * arrival by the event id the receiver reads from the body; latency = arrival time − the time the publish was sent.
 */
export async function latencyRun(ctx: BenchContext, stack: Stack, run: number, endToEndRate: number | null): Promise<LatencyRun> {
  const { receiver, options } = ctx;
  if (endToEndRate === null) throw new Unavailable('no end-to-end rate to pace from');
  const rate = Math.max(1, endToEndRate * 0.1);
  const count = Math.max(20, Math.round(rate * options.latencySeconds));
  await ensureWorker(ctx, stack);
  await receiver.reset(TRACKED);
  const path = `${TRACKED}${run}`;
  const tenant = await createTenant(stack, `bench-latency-${run}`);
  await registerWebhook(stack, tenant, receiver.url(path));
  const publisher = new Publisher(stack.apiUrl, tenant.apiKey, MAX_IN_FLIGHT);
  try {
    const published: Published[] = [];
    const inFlight = new Set<Promise<void>>();
    const startedAt = now();
    for (let seq = 0; seq < count; seq += 1) {
      const due = startedAt + (seq * 1000) / rate;
      if (due > now()) await sleep(due - now());
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      const request: Promise<void> = publisher.publish(seq).then((answer) => {
        published.push(answer);
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request)).catch(() => undefined);
    }
    await Promise.all(inFlight);
    const failed = published.filter((answer) => answer.status !== 202);
    if (failed.length > 0) throw new Void(`${failed.length} of ${count} publishes failed (first: ${failed[0].error})`);
    if (published.some((answer) => answer.eventId === null)) throw new Void('the 202 answer of /v1/events carried no event id to match arrivals by');

    const received = await awaitDeliveries(ctx, stack, path, count, 60_000);
    const arrivals = await receiver.arrivals(path);
    const latencies: number[] = [];
    for (const answer of published) {
      const arrivedAt = arrivals.get(answer.eventId as string);
      if (arrivedAt === undefined) throw new Void(`event ${answer.eventId} reached the receiver under no matching event id`);
      latencies.push(arrivedAt - answer.sentAt);
    }
    const ledger = await takeLedger(stack, tenant.id, received);
    const problem = ledgerProblem(ledger, count);
    if (problem) throw new Void(problem);
    return {
      rate,
      events: count,
      p50Ms: percentile(latencies, 50) as number,
      p99Ms: percentile(latencies, 99) as number,
      maxMs: Math.max(...latencies),
      ledger,
    };
  } finally {
    await publisher.close();
  }
}
