import Redis from 'ioredis';
import { waitUntil } from './support/child-app';
import { CountingReceiver } from './support/counting-receiver';
import { FaultStack, report } from './support/fault-stack';

/** Too many requests for one tenant, and a receiver too slow for its share of the worker. */
describe('faults: overload', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.create({ env: { RATE_LIMIT_PER_MINUTE: '30' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('limits each tenant to RATE_LIMIT_PER_MINUTE across API replicas: 429 rate_limited with Retry-After, other tenants unaffected', async () => {
    const [first, second] = await Promise.all([stack.startApi('api-1'), stack.startApi('api-2')]);
    const busy = await stack.createTenant('busy');
    const calm = await stack.createTenant('calm');

    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const reply = await stack.request('GET', '/event_type', { token: busy.apiKey, api: i % 2 === 0 ? first : second });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual(Array(30).fill(200));
    const limited = await stack.request('GET', '/event_type', { token: busy.apiKey, api: first });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: expect.stringContaining('30 per minute'), data: { code: 'rate_limited', details: [] }, error: true });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // A sliding window counted in 5 s buckets over the last 60-65 s: free again at most 65 s later.
    expect(retryAfter).toBeLessThanOrEqual(65);
    expect((await stack.request('GET', '/event_type', { token: busy.apiKey, api: second })).status).toBe(429);
    expect((await stack.request('GET', '/event_type', { token: calm.apiKey, api: second })).status).toBe(200);
    // Unauthenticated and operator routes are not counted against anyone.
    expect((await stack.request('GET', '/health', { api: first })).status).toBe(200);
  }, 120_000);

  it('a slow receiver holds at most MAX_IN_FLIGHT_PER_ENDPOINT slots: the others are delivered meanwhile, and deferrals cost no attempt', async () => {
    await stack.stop();
    // Two attempts in all: were a deferral counted as one, the slow deliveries would run out and fail in Bull.
    stack = await FaultStack.create({ env: { RETRY_SCHEDULE: '500ms' } });
    await stack.startApi();
    const slow = await new CountingReceiver(() => ({ status: 200, delayMs: 1000 })).start();
    const fast = await new CountingReceiver(() => ({ status: 200, delayMs: 10 })).start();
    try {
      const tenant = await stack.createTenant('overload');
      const slowHook = await stack.registerWebhook(tenant, slow.url('/slow'));
      const fastHook = await stack.registerWebhook(tenant, fast.url('/fast'));
      const slowIds = await stack.uploadMany(tenant, slowHook, 12, 6);
      const fastIds = await stack.uploadMany(tenant, fastHook, 12, 6);

      // Four slots, at most two per endpoint: without the bound the slow receiver would hold all four for 3 s.
      await stack.startWorker('worker', { WORKER_CONCURRENCY: '4', MAX_IN_FLIGHT_PER_ENDPOINT: '2' });
      await fast.waitForDistinct(12, 30_000);
      const slowDoneWhenFastDone = slow.distinct;
      await slow.waitForDistinct(12, 60_000);
      await waitUntil('all 24 recorded as succeeded', async () => (await stack.succeededIds()).length === 24, 20_000, 200);

      expect(slowDoneWhenFastDone).toBeLessThan(12);
      expect(slow.maxInFlight).toBeLessThanOrEqual(2);
      const attempts = await stack.db.query<{ attempt_count: number }>(`SELECT attempt_count FROM deliveries WHERE id = ANY($1::uuid[])`, [[...slowIds, ...fastIds]]);
      expect(attempts.map((row) => row.attempt_count)).toEqual(Array(24).fill(1));
      const redis = new Redis(stack.env.REDIS_URL);
      try {
        expect(await redis.zcard(`${stack.env.QUEUE_PREFIX}:deliveries:failed`)).toBe(0);
      } finally {
        redis.disconnect();
      }
      const worker = stack.apps.find((app) => app.kind === 'worker')!;
      expect(worker.output.filter((line) => /re-queued/.test(line))).toEqual([]);
      report('slow receiver beside a fast one', {
        sent: 24,
        received: slow.distinct + fast.distinct,
        duplicated: slow.duplicated + fast.duplicated,
        slowDeliveredWhenFastDone: slowDoneWhenFastDone,
        slowMaxInFlight: slow.maxInFlight,
      });
    } finally {
      await slow.close();
      await fast.close();
    }
  }, 120_000);
});
