import { readFileSync } from 'node:fs';
import { testEnv } from '../support/test-env';
import { ChildApp, waitUntil } from './support/child-app';
import { CountingReceiver } from './support/counting-receiver';
import { FaultStack, redisUrl, Tenant } from './support/fault-stack';

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
    stack = await FaultStack.create({ redisUrl: redisUrl(testEnv().REDIS_URL, 15) });
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
});
