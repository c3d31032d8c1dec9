import { waitUntil } from './support/child-app';
import { CountingReceiver } from './support/counting-receiver';
import { FaultStack, report } from './support/fault-stack';

/** Two worker replicas, each with its sweeper every 300 ms, and Redis emptied under them mid-batch. */
describe('faults: two workers and their sweepers on one backlog', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;

  beforeAll(async () => {
    // Every fifth delivery fails once first, so retries (delayed jobs) are in play too.
    let seed = 0;
    receiver = await new CountingReceiver((id, n, path) => {
      if (path === '/held') return { status: 200, delayMs: 7000 };
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const failFirst = parseInt(id.slice(-2), 16) % 5 === 0 && n === 0;
      return { status: failFirst ? 500 : 200, delayMs: 20 + (seed % 130) };
    }).start();
    stack = await FaultStack.create({ env: { OUTBOX_SWEEP_INTERVAL_MS: '300', DELIVERY_TIMEOUT_MS: '10000' } });
    await stack.startApi();
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('never attempts one delivery twice at once, and delivers each exactly once to a deduplicating receiver', async () => {
    const tenant = await stack.createTenant('replicas');
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/replicas'));
    await Promise.all([stack.startWorker('worker-a', { WORKER_CONCURRENCY: '8' }), stack.startWorker('worker-b', { WORKER_CONCURRENCY: '8' })]);
    const sent = await stack.uploadMany(tenant, webhookId, 150, 10);

    // Empty Redis while attempts are in flight: the sweepers must re-queue what was lost without doubling what runs.
    await receiver.waitForDistinct(60, 30_000);
    await stack.flushRedis();

    await receiver.waitForDistinct(150, 60_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${stack.tails()}`);
    });
    await waitUntil('all 150 recorded as succeeded', async () => (await stack.succeededIds()).length === 150, 30_000, 250);

    expect(receiver.maxConcurrentPerId).toBe(1);
    expect(receiver.duplicated).toBe(0);
    const succeeded = await stack.succeededIds();
    expect(new Set(succeeded)).toEqual(new Set(sent));
    for (const id of succeeded) expect(receiver.accepted.get(id)).toBe(1);
    const sweptBy = stack.apps.filter((app) => app.output.some((line) => /Outbox sweep re-queued/.test(line))).map((app) => app.name);
    expect(sweptBy.length).toBeGreaterThan(0);
    report('two workers + sweepers, Redis emptied mid-batch', {
      sent: sent.length,
      received: receiver.distinct,
      duplicated: receiver.duplicated,
      retried: receiver.repeated,
      maxConcurrentPerId: receiver.maxConcurrentPerId,
    });
  }, 120_000);

  it('leaves an attempt in flight alone: sweeps during a 7 s request re-queue nothing and send nothing twice', async () => {
    const tenant = await stack.createTenant('held');
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/held'));
    const workers = stack.apps.filter((app) => app.kind === 'worker');
    const marks = workers.map((app) => app.lineCount);
    const reply = await stack.upload(tenant, webhookId, 'held');
    expect(reply.status).toBe(200);
    const deliveryId: string = reply.body.data.delivery_id;

    await waitUntil('the held delivery recorded as succeeded', async () => (await stack.statuses()).get(deliveryId) === 'succeeded', 30_000, 200);
    // The request outlived the sweeper's 5 s grace: ~20 sweeps saw it due in PostgreSQL while its job was active.
    expect(receiver.arrivals.get(deliveryId)).toBe(1);
    const requeuedMeanwhile = workers.flatMap((app, index) => app.linesSince(marks[index]).filter((line) => /re-queued/.test(line)));
    expect(requeuedMeanwhile).toEqual([]);
  }, 60_000);
});
