import { processTree, rssMb } from '../children';
import { BenchContext, Void } from '../context';
import { createBacklog, createTenant, registerWebhook } from '../fixtures';
import { Ledger, ledgerProblem, takeLedger } from '../ledger';
import { Stack } from '../stack';
import { awaitDeliveries, deliveryTimeoutMs } from './worker-control';

const SAMPLE_MS = 500;

export interface RssSeries {
  /** Largest single process seen (the per-process target), MB. */
  maxMb: number;
  /** At the end of the backlog, MB. */
  endMb: number;
  /** Processes in the tree at the end (more than 1 when the worker forks). */
  processes: number;
}

export interface MemoryRun {
  backlog: number;
  /** Deliveries per second while draining this backlog. */
  rate: number;
  worker: RssSeries;
  api: RssSeries;
  samples: number;
  redis: {
    beforeBytes: number;
    /** With the whole backlog queued. */
    peakBytes: number;
    afterBytes: number;
    /** Under this bench's prefix at the end: job hashes left (0 when completed jobs are removed), other keys, bytes. */
    jobKeysLeft: number;
    otherKeys: number;
    keyBytes: number;
  };
  ledger: Ledger;
}

class Sampler {
  maxMb = 0;
  endMb = 0;
  processes = 0;

  sample(pid: number | undefined): void {
    if (pid === undefined) return;
    const tree = processTree(pid);
    const sizes = tree.map(rssMb).filter((size): size is number => size !== null);
    if (sizes.length === 0) return;
    this.maxMb = Math.max(this.maxMb, ...sizes);
    this.endMb = Math.max(...sizes);
    this.processes = sizes.length;
  }

  series(): RssSeries {
    return { maxMb: round(this.maxMb), endMb: round(this.endMb), processes: this.processes };
  }
}

function round(mb: number): number {
  return Math.round(mb * 10) / 10;
}

/** 6. Worker and API memory (VmRSS, sampled every 500 ms) and Redis memory through a large backlog. */
export async function memoryRun(ctx: BenchContext, stack: Stack, run: number): Promise<MemoryRun> {
  const { receiver, options } = ctx;
  const count = options.backlog;
  await stack.stopWorker();
  await receiver.reset();
  const path = `/memory/${run}`;
  const tenant = await createTenant(stack, `bench-memory-${run}`);
  const webhook = await registerWebhook(stack, tenant, receiver.url(path));
  const beforeBytes = await stack.redisUsedMemory();
  await createBacklog(stack, tenant, webhook, count);
  const peakBytes = await stack.redisUsedMemory();

  const worker = new Sampler();
  const api = new Sampler();
  let samples = 0;
  const sampleAll = () => {
    worker.sample(stack.worker?.pid);
    api.sample(stack.api?.pid);
    samples += 1;
  };
  stack.startWorker();
  const timer = setInterval(sampleAll, SAMPLE_MS);
  try {
    const received = await awaitDeliveries(ctx, stack, path, count, deliveryTimeoutMs(count));
    sampleAll();
    const ledger = await takeLedger(stack, tenant.id, received);
    const problem = ledgerProblem(ledger, count);
    if (problem) throw new Void(problem);
    const { firstAt, lastAt } = received;
    const afterBytes = await stack.redisUsedMemory();
    const keys = await stack.keys();
    return {
      backlog: count,
      rate: count / (Math.max(lastAt - firstAt, 1) / 1000),
      worker: worker.series(),
      api: api.series(),
      samples,
      redis: { beforeBytes, peakBytes, afterBytes, jobKeysLeft: keys.jobs, otherKeys: keys.other, keyBytes: keys.bytes },
      ledger,
    };
  } finally {
    clearInterval(timer);
    await stack.stopWorker();
  }
}
