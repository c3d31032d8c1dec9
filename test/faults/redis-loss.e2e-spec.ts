import { redisOptionsFromUrl } from '@hookline/queue';
import Queue from 'bull';
import { waitUntil } from './support/child-app';
import { CountingReceiver } from './support/counting-receiver';
import { FaultStack, report, Tenant } from './support/fault-stack';
import { OwnRedis } from './support/redis-server';

/** Redis emptied and Redis gone, on a redis-server this suite owns: PostgreSQL is the outbox, the sweeper re-queues. */
describe('faults: Redis loses its jobs or goes away', () => {
  let redis: OwnRedis;
  let stack: FaultStack;
  let receiver: CountingReceiver;
  let tenant: Tenant;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    receiver = await new CountingReceiver().start();
    stack = await FaultStack.create({ redisUrl: redis.url });
    await stack.startApi();
    tenant = await stack.createTenant('redis');
  });

  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
    await receiver?.close();
  });

  it('Redis emptied of the queue with 50 deliveries in it: the sweeper re-queues every one and all are delivered once', async () => {
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/flushed'));
    const sent = await stack.uploadMany(tenant, webhookId, 50, 10);
    // The API answers after the commit and relays jobs to Redis right after; wait until all 50 are in the queue.
    const queuedCount = async () =>
      (await stack.db.query(`SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'queued'`, [sent])).length;
    await waitUntil('all 50 queued in Redis', async () => (await queuedCount()) === 50, 10_000, 50);
    expect(await queuedCount()).toBe(50);
    await stack.flushRedis();

    const worker = await stack.startWorker();
    await receiver.waitForDistinct(50, 30_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${stack.tails()}`);
    });
    await waitUntil('all 50 recorded as succeeded', async () => (await stack.succeededIds()).length === 50, 20_000, 200);
    expect(new Set(await stack.succeededIds())).toEqual(new Set(sent));
    expect(receiver.duplicated).toBe(0);
    expect(worker.output.some((line) => /Outbox sweep re-queued \d+ deliveries/.test(line))).toBe(true);
    report('Redis emptied with 50 queued', { sent: sent.length, received: receiver.distinct, duplicated: receiver.duplicated });
  }, 90_000);

  it('Redis stopped: uploads are still accepted (2xx, committed), /ready says redis down; once Redis is back they are delivered', async () => {
    const before = { distinct: receiver.distinct, duplicated: receiver.duplicated };
    if (!stack.apps.some((app) => app.kind === 'worker' && app.running)) await stack.startWorker();
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/outage'));
    await redis.stop();

    const sent: string[] = [];
    let slowestUploadMs = 0;
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      const reply = await stack.upload(tenant, webhookId, `during-outage-${i}`);
      slowestUploadMs = Math.max(slowestUploadMs, Date.now() - started);
      expect(reply.status).toBe(200);
      sent.push(reply.body.data.delivery_id);
    }
    const ready = await stack.request('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain('"redis":"down"');
    expect(JSON.stringify(ready.body)).toContain('"database":"up"');
    const pending = await stack.db.query(`SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [sent]);
    expect(pending).toHaveLength(10);

    await redis.start();
    const restartedAt = Date.now();
    await receiver.waitForDistinct(before.distinct + sent.length, 45_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${stack.tails()}`);
    });
    await waitUntil('the outage batch recorded as succeeded', async () => {
      const rows = await stack.db.query(`SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'succeeded'`, [sent]);
      return rows.length === sent.length;
    }, 20_000, 200);
    for (const id of sent) expect(receiver.arrivals.has(id)).toBe(true);
    const duplicated = receiver.duplicated - before.duplicated;
    expect(duplicated).toBe(0);
    expect((await stack.request('GET', '/ready')).status).toBe(200);
    report('Redis stopped, upload, Redis started', {
      sent: sent.length,
      received: receiver.distinct - before.distinct,
      duplicated,
      slowestUploadMs,
      deliveredWithinMsOfRestart: Date.now() - restartedAt,
    });
  }, 90_000);

  it('a job Bull gave up on while PostgreSQL still has its delivery open is re-queued with a fresh job and delivered', async () => {
    await Promise.all(stack.apps.filter((app) => app.kind === 'worker').map((app) => app.stop()));
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/given-up'));
    const [id] = await stack.uploadMany(tenant, webhookId, 1, 1);

    // Stand in for a worker whose retries were all spent on a database outage: Bull files the job as failed.
    const queue = new Queue('deliveries', { prefix: stack.env.QUEUE_PREFIX, redis: redisOptionsFromUrl(stack.env.REDIS_URL) });
    try {
      const failed = new Promise<void>((resolve) => queue.once('failed', () => resolve()));
      void queue.process('deliver', async (job) => {
        job.discard();
        throw new Error('simulated: retries spent while PostgreSQL was away');
      });
      await failed;
      expect(await (await queue.getJob(id))!.isFailed()).toBe(true);
    } finally {
      await queue.close();
    }
    // The relay marks deliveries queued within 100 ms of their jobs reaching Redis (many in one UPDATE); the job can
    // fail sooner than that, so wait for the mark rather than read it once.
    await waitUntil('the relay to mark the delivery queued', async () => (await stack.statuses()).get(id) === 'queued', 5_000, 50);
    expect((await stack.statuses()).get(id)).toBe('queued');

    await stack.startWorker('worker-rescue');
    await waitUntil('the given-up delivery to arrive', () => receiver.arrivals.has(id), 30_000);
    await waitUntil('it to be recorded as succeeded', async () => (await stack.statuses()).get(id) === 'succeeded', 20_000, 200);
    expect(receiver.arrivals.get(id)).toBe(1);
  }, 60_000);
});
