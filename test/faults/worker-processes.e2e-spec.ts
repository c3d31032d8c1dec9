import { readFileSync } from 'node:fs';
import { Sample, sampleValue, scrape } from '../support/prometheus';
import { ChildApp, freePort, sleep, waitUntil } from './support/child-app';
import { CountingReceiver } from './support/counting-receiver';
import { FaultStack, Tenant } from './support/fault-stack';

/** The worker processes a supervisor runs (Linux: /proc/<pid>/task/<pid>/children). */
function childPids(app: ChildApp): number[] {
  const pid = app.child.pid!;
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

function started(app: ChildApp): number {
  return app.output.filter((line) => line.includes('processing deliveries')).length;
}

/** WORKER_PROCESSES: one supervisor, several complete workers, stopped and restarted like one. */
describe('faults: a worker run as several processes', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new CountingReceiver().start();
    stack = await FaultStack.create();
    await stack.startApi();
    tenant = await stack.createTenant('processes');
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('delivers with every process, restarts one that dies, and exits 0 on SIGTERM once all have drained', async () => {
    receiver.answer = () => ({ status: 200, delayMs: 20 });
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/processes'));
    const worker = await stack.startWorker('workers', { WORKER_PROCESSES: '2', WORKER_CONCURRENCY: '5' });
    await waitUntil('two worker processes', () => started(worker) === 2 && childPids(worker).length === 2, 30_000);

    const first = await stack.uploadMany(tenant, webhookId, 60, 10);
    await receiver.waitForDistinct(60, 30_000);

    // A worker process killed outright is replaced; its jobs come back through Bull's stalled-job check.
    const [victim] = childPids(worker);
    process.kill(victim, 'SIGKILL');
    await waitUntil('a replacement worker process', () => started(worker) === 3 && childPids(worker).length === 2 && !childPids(worker).includes(victim), 30_000);
    const second = await stack.uploadMany(tenant, webhookId, 40, 10);
    await receiver.waitForDistinct(100, 30_000);
    await waitUntil('every delivery recorded as succeeded', async () => (await stack.succeededIds()).length === 100, 30_000, 100);
    expect(new Set(await stack.succeededIds())).toEqual(new Set([...first, ...second]));
    const mismatched = await stack.db.query(`SELECT d.id FROM deliveries d WHERE d.attempt_count <> (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id)`);
    expect(mismatched).toEqual([]);

    const children = childPids(worker);
    worker.signal('SIGTERM');
    expect(await worker.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
  }, 120_000);

  it('answers GET /metrics on WORKER_METRICS_PORT with the sum over every process, and GET /health, from the supervisor', async () => {
    // Slow answers and a backlog queued before the worker starts: both processes take some of it.
    receiver.answer = () => ({ status: 200, delayMs: 200 });
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/summed'));
    // One disabled endpoint: a platform-wide gauge, read by each process, must say 1 and not 1 per process.
    const disabledId = await stack.registerWebhook(tenant, receiver.url('/summed-disabled'));
    await stack.db.query(`UPDATE webhooks SET status = 'disabled', disabled_reason = 'test', disabled_at = now() WHERE id = $1`, [disabledId]);
    const seen = receiver.distinct;
    await stack.uploadMany(tenant, webhookId, 40, 10);

    const port = await freePort();
    const metricsUrl = `http://127.0.0.1:${port}`;
    receiver.maxInFlight = 0;
    const worker = await stack.startWorker('summed', { WORKER_PROCESSES: '2', WORKER_CONCURRENCY: '5', WORKER_METRICS_PORT: String(port) });
    await receiver.waitForDistinct(seen + 40, 30_000);
    // One process has at most WORKER_CONCURRENCY (5) attempts in flight: more at once means both were delivering.
    expect(receiver.maxInFlight).toBeGreaterThan(5);

    const succeeded = (samples: Sample[]) => sampleValue(samples, 'hookline_deliveries_total', { outcome: 'succeeded' });
    const summed = await waitUntil('the summed delivery counter', async () => {
      const samples = await scrape(`${metricsUrl}/metrics`);
      return succeeded(samples) === 40 && samples;
    }, 10_000, 200);
    expect({
      succeeded: succeeded(summed),
      attempts: sampleValue(summed, 'hookline_delivery_attempts_total'),
      attempts2xx: sampleValue(summed, 'hookline_delivery_attempts_total', { outcome: 'succeeded', status_class: '2xx' }),
      durations: sampleValue(summed, 'hookline_delivery_attempt_duration_seconds_count'),
      endToEnd: sampleValue(summed, 'hookline_delivery_end_to_end_seconds_count'),
      disabled: sampleValue(summed, 'hookline_webhooks_disabled'),
      queueStates: summed.filter((sample) => sample.name === 'hookline_queue_jobs').map((sample) => sample.labels.state).sort(),
      apps: [...new Set(summed.map((sample) => sample.labels.app))],
    }).toEqual({
      succeeded: 40,
      attempts: 40,
      attempts2xx: 40,
      durations: 40,
      endToEnd: 40,
      disabled: 1,
      queueStates: ['active', 'delayed', 'failed', 'waiting'],
      apps: ['worker'],
    });
    expect(await (await fetch(`${metricsUrl}/health`)).json()).toEqual({ status: 'ok' });
    expect(worker.output.some((line) => line.includes('Worker metrics (all 2 processes)'))).toBe(true);

    // One process killed: every scrape still answers, while the supervisor replaces it, and the sum now holds the
    // survivor's share only (both had some, so strictly between 0 and 40).
    const [victim] = childPids(worker);
    process.kill(victim, 'SIGKILL');
    await waitUntil('the supervisor to see the exit', () => worker.output.some((line) => line.includes(`Worker process ${victim} exited`)), 10_000);
    const shares: number[] = [];
    const scrapeShare = async () => shares.push(succeeded(await scrape(`${metricsUrl}/metrics`)));
    while (!(started(worker) === 3 && childPids(worker).length === 2)) {
      await scrapeShare();
      await sleep(100);
    }
    await scrapeShare();
    expect(shares.length).toBeGreaterThan(3);
    expect(new Set(shares).size).toBe(1);
    expect(shares[0]).toBeGreaterThan(0);
    expect(shares[0]).toBeLessThan(40);

    worker.signal('SIGTERM');
    expect(await worker.waitForExit(20_000)).toEqual({ code: 0, signal: null });
  }, 120_000);
});
