import { waitUntil } from './support/child-app';
import { CountingReceiver } from './support/counting-receiver';
import { FaultStack, report, Tenant } from './support/fault-stack';

/** SIGKILL and SIGTERM on the real worker process, mid-batch. */
describe('faults: the worker dies or is stopped mid-attempt', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new CountingReceiver().start();
    stack = await FaultStack.create();
    await stack.startApi();
    tenant = await stack.createTenant('crash');
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('SIGKILL during a batch of 200: every delivery arrives, none is marked succeeded without arriving, the cut attempts are logged as interrupted', async () => {
    // Slow enough that attempts are in flight (sent, not yet recorded) when the worker dies.
    receiver.answer = () => ({ status: 200, delayMs: 150 });
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/kill'));
    const sent = await stack.uploadMany(tenant, webhookId, 200, 20);

    const doomed = await stack.startWorker('worker-1', { WORKER_CONCURRENCY: '10' });
    await waitUntil('attempts in flight at the receiver', () => receiver.distinct >= 30 && receiver.inFlight >= 5, 30_000, 5);
    const inFlightAtKill = receiver.inFlight;
    doomed.signal('SIGKILL');
    expect((await doomed.waitForExit(5000)).signal).toBe('SIGKILL');

    // Bull's stalled-job check in the new worker hands the dead worker's jobs over once their locks lapse.
    await stack.startWorker('worker-2', { WORKER_CONCURRENCY: '10' });
    await receiver.waitForDistinct(200, 60_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${stack.tails()}`);
    });
    await waitUntil('every delivery recorded as succeeded', async () => (await stack.succeededIds()).length === 200, 30_000, 200);

    const succeeded = await stack.succeededIds();
    expect(new Set(succeeded)).toEqual(new Set(sent));
    for (const id of succeeded) expect(receiver.arrivals.has(id)).toBe(true);
    const [{ interrupted }] = await stack.db.query<{ interrupted: string }>(
      `SELECT count(*) AS interrupted FROM delivery_attempts WHERE error LIKE 'interrupted:%'`,
    );
    // Each attempt that was at the receiver when the worker died never recorded an outcome: the next one says so.
    expect(Number(interrupted)).toBeGreaterThanOrEqual(inFlightAtKill);
    const mismatched = await stack.db.query(
      `SELECT d.id FROM deliveries d WHERE d.attempt_count <> (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id)`,
    );
    expect(mismatched).toEqual([]);
    // The tenant sees it in the attempt log: attempt 1 interrupted (no status), attempt 2 delivered.
    const [{ delivery_id: cut }] = await stack.db.query<{ delivery_id: string }>(`SELECT delivery_id FROM delivery_attempts WHERE error LIKE 'interrupted:%' LIMIT 1`);
    const view = await stack.request('GET', `/v1/deliveries/${cut}`, { token: tenant.apiKey });
    expect(view.body.data.attempts.map((attempt: { attempt: number; status_code: number | null; error: string | null }) => [attempt.attempt, attempt.status_code, attempt.error?.split(':')[0] ?? null])).toEqual([
      [1, null, 'interrupted'],
      [2, 200, null],
    ]);
    report('worker SIGKILL mid-batch', { sent: sent.length, received: receiver.distinct, duplicated: receiver.duplicated, inFlightAtKill, interrupted: Number(interrupted) });
  }, 120_000);

  it('SIGTERM drains: no new job is taken, in-flight attempts finish and are recorded, the process exits 0', async () => {
    await Promise.all(stack.apps.filter((app) => app.kind === 'worker').map((app) => app.stop()));
    const before = { distinct: receiver.distinct, duplicated: receiver.duplicated };
    receiver.answer = () => ({ status: 200, delayMs: 1500 });
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/drain'));
    const sent = await stack.uploadMany(tenant, webhookId, 30, 10);

    const worker = await stack.startWorker('worker-drain', { WORKER_CONCURRENCY: '5' });
    await waitUntil('5 attempts in flight', () => receiver.inFlight >= 5, 30_000, 5);
    const inFlight = receiver.inFlight;
    const arrivedBefore = receiver.arrivalTimes.length;
    worker.signal('SIGTERM');
    const exit = await worker.waitForExit(15_000);
    expect(exit).toEqual({ code: 0, signal: null });
    // Nothing new reached the receiver after the signal; the in-flight attempts finished and were recorded.
    expect(receiver.arrivalTimes.length).toBe(arrivedBefore);
    const [{ done }] = await stack.db.query<{ done: string }>(
      `SELECT count(*) AS done FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'succeeded'`,
      [sent],
    );
    expect(Number(done)).toBe(inFlight);
    const interrupted = await stack.db.query(`SELECT 1 FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) AND error LIKE 'interrupted:%'`, [sent]);
    expect(interrupted).toEqual([]);

    receiver.answer = () => ({ status: 200, delayMs: 10 });
    await stack.startWorker('worker-after-drain', { WORKER_CONCURRENCY: '10' });
    await receiver.waitForDistinct(before.distinct + sent.length, 30_000);
    await waitUntil('the drained batch recorded', async () => {
      const [{ n }] = await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'succeeded'`, [sent]);
      return Number(n) === sent.length;
    }, 20_000, 200);
    const duplicated = receiver.duplicated - before.duplicated;
    expect(duplicated).toBe(0);
    report('worker SIGTERM drain', { sent: sent.length, received: receiver.distinct - before.distinct, duplicated, inFlightAtSignal: inFlight });
  }, 90_000);
});

