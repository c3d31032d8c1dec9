import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { Platform, Tenant } from './support/platform';
import { ReceivedRequest, Receiver, verifySignature } from './support/receiver';

const ORDER_SCHEMA = {
  type: 'object',
  required: ['order_id', 'amount'],
  properties: {
    order_id: { type: 'string', pattern: '^ord_[0-9]+$' },
    amount: { type: 'integer', minimum: 1 },
    lines: { type: 'array', items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } },
  },
};

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | null | undefined | false = null;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/** Helpers shared by the suites below: each gets its own platform. */
function helpers(get: () => Platform) {
  const createType = async (tenant: Tenant, key: string, schema?: object): Promise<string> => {
    const response = await get().request('POST', '/v1/event-types', { token: tenant.apiKey, body: { key, ...(schema ? { schema } : {}) } });
    if (response.status !== 201) throw new Error(`event type creation answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.data.id;
  };
  const register = async (tenant: Tenant, eventTypeId: string, userId: number, url: string) =>
    get().registerWebhook(tenant, { event_type_id: eventTypeId, user_id: userId, url });
  const publish = (tenant: Tenant, body: unknown, headers: Record<string, string> = {}) =>
    get().request('POST', '/v1/events', { token: tenant.apiKey, body, headers });
  const countWhere = async (sql: string, params: unknown[] = []): Promise<number> => Number((await get().db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params))[0].n);
  /** Bounded wait until every delivery of the event succeeded; returns them. */
  const settled = (eventId: string, expected: number) =>
    eventually(`${expected} deliveries of ${eventId} succeeding`, async () => {
      const rows = await get().db.query<{ id: string; webhook_id: string; status: string }>(`SELECT id, webhook_id, status FROM deliveries WHERE event_id = $1`, [eventId]);
      return rows.length === expected && rows.every((row) => row.status === 'succeeded') ? rows : null;
    });
  return { createType, register, publish, countWhere, settled };
}

describe('publishing events (POST /v1/events)', () => {
  let platform: Platform;
  let receiver: Receiver;
  let acme: Tenant;
  let globex: Tenant;
  let orderType: string;
  const { createType, register, publish, countWhere, settled } = helpers(() => platform);

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start();
    acme = await platform.createTenant('acme');
    globex = await platform.createTenant('globex');
    orderType = await createType(acme, 'order.created', ORDER_SCHEMA);
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  describe('schema validation', () => {
    it('refuses data that does not match the type\'s schema, with the schema errors, and stores nothing', async () => {
      const events = await platform.count('events');
      const response = await publish(acme, { event_type: 'order.created', data: { order_id: 'nope', amount: 0, lines: [{}] } });
      expect(response.status).toBe(422);
      expect(response.body.data.code).toBe('validation_failed');
      expect(response.body.message).toContain('order.created');
      expect(response.body.data.details).toEqual(
        expect.arrayContaining([
          { field: 'data.order_id', message: expect.stringContaining('pattern') },
          { field: 'data.amount', message: 'must be >= 1' },
          { field: 'data.lines[0].sku', message: "must have required property 'sku'" },
        ]),
      );
      const missing = await publish(acme, { event_type: 'order.created', data: { order_id: 'ord_1' } });
      expect(missing.body.data.details).toEqual([{ field: 'data.amount', message: "must have required property 'amount'" }]);
      expect(await platform.count('events')).toBe(events);
    });

    it('accepts conforming data (202 with the event id and no deliveries when nobody subscribes)', async () => {
      const type = await createType(acme, 'order.refunded', ORDER_SCHEMA);
      expect(type).toEqual(expect.any(String));
      const response = await publish(acme, { event_type: 'order.refunded', data: { order_id: 'ord_7', amount: 5 } });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ message: 'Event accepted', error: false, data: { event_id: expect.any(String), deliveries: 0 } });
    });

    it('validates against the schema as changed by PATCH (no stale validator)', async () => {
      const id = await createType(acme, 'order.noted', { type: 'object', required: ['a'] });
      expect((await publish(acme, { event_type: 'order.noted', data: { b: 1 } })).status).toBe(422);
      await platform.request('PATCH', `/v1/event-types/${id}`, { token: acme.apiKey, body: { schema: { type: 'object', required: ['b'] } } });
      expect((await publish(acme, { event_type: 'order.noted', data: { b: 1 } })).status).toBe(202);
      await platform.request('PATCH', `/v1/event-types/${id}`, { token: acme.apiKey, body: { schema: null } });
      expect((await publish(acme, { event_type: 'order.noted', data: { c: 1 } })).status).toBe(202);
    });
  });

  describe('fan-out', () => {
    let hooks: Record<'a' | 'b' | 'disabled' | 'deleted' | 'otherType', { id: string; secret: string }>;

    beforeAll(async () => {
      const otherType = await createType(acme, 'order.cancelled');
      hooks = {
        a: await register(acme, orderType, 1, receiver.url('/fan/a')),
        b: await register(acme, orderType, 2, receiver.url('/fan/b')),
        disabled: await register(acme, orderType, 1, receiver.url('/fan/disabled')),
        deleted: await register(acme, orderType, 1, receiver.url('/fan/deleted')),
        otherType: await register(acme, otherType, 1, receiver.url('/fan/other-type')),
      };
      await platform.db.query(`UPDATE webhooks SET status = 'disabled' WHERE id = $1`, [hooks.disabled.id]);
      await platform.db.query(`UPDATE webhooks SET deleted_at = now() WHERE id = $1`, [hooks.deleted.id]);
    });

    it('reaches exactly the enabled subscribers of the type and user, each signed with its own secret', async () => {
      const data = { order_id: 'ord_1001', amount: 4200, lines: [{ sku: 'tea', qty: 2 }], note: 'ünïcode ✓' };
      const forUser = await publish(acme, { event_type: 'order.created', data, user_id: 1 });
      expect(forUser.status).toBe(202);
      expect(forUser.body.data.deliveries).toBe(1);
      const everyone = await publish(acme, { event_type: 'order.created', data: { ...data, order_id: 'ord_1002' } });
      expect(everyone.status).toBe(202);
      expect(everyone.body.data.deliveries).toBe(2);

      const forUserDeliveries = await settled(forUser.body.data.event_id, 1);
      const everyoneDeliveries = await settled(everyone.body.data.event_id, 2);
      expect(forUserDeliveries.map((row) => row.webhook_id)).toEqual([hooks.a.id]);
      expect(everyoneDeliveries.map((row) => row.webhook_id).sort()).toEqual([hooks.a.id, hooks.b.id].sort());

      const [first, second] = await receiver.waitFor('/fan/a', 2);
      const [atB] = await receiver.waitFor('/fan/b', 1);
      expect(receiver.received('/fan/a')).toHaveLength(2);
      expect(receiver.received('/fan/b')).toHaveLength(1);
      expect(receiver.received('/fan/disabled')).toHaveLength(0);
      expect(receiver.received('/fan/deleted')).toHaveLength(0);
      expect(receiver.received('/fan/other-type')).toHaveLength(0);

      const byEvent = (request: ReceivedRequest) => JSON.parse(request.body).id as string;
      const firstAtA = [first, second].find((request) => byEvent(request) === forUser.body.data.event_id)!;
      const payload = verifySignature(firstAtA, hooks.a.secret) as Record<string, unknown>;
      expect(payload).toEqual({ id: forUser.body.data.event_id, type: 'order.created', timestamp: expect.any(String), data });
      expect(firstAtA.headers['webhook-id']).toBe(forUserDeliveries[0].id);

      const atBPayload = verifySignature(atB, hooks.b.secret) as Record<string, unknown>;
      expect(atBPayload).toMatchObject({ id: everyone.body.data.event_id, type: 'order.created', data: { ...data, order_id: 'ord_1002' } });
      expect(() => verifySignature(atB, hooks.a.secret)).toThrow();
    });

    it('refuses a type once archived, and publishes again once unarchived', async () => {
      const id = await createType(acme, 'coupon.redeemed');
      await register(acme, id, 1, receiver.url('/fan/coupon'));
      await platform.request('PATCH', `/v1/event-types/${id}`, { token: acme.apiKey, body: { archived: true } });
      const refused = await publish(acme, { event_type: 'coupon.redeemed', data: { code: 'X' } });
      expect(refused.status).toBe(422);
      expect(refused.body.data.details).toEqual([{ field: 'event_type', message: expect.stringContaining('archived') }]);
      expect(await countWhere(`events WHERE event_type_id = $1`, [id])).toBe(0);

      await platform.request('PATCH', `/v1/event-types/${id}`, { token: acme.apiKey, body: { archived: false } });
      const accepted = await publish(acme, { event_type: 'coupon.redeemed', data: { code: 'X' } });
      expect(accepted.status).toBe(202);
      expect(accepted.body.data.deliveries).toBe(1);
      await receiver.waitFor('/fan/coupon', 1);
    });
  });

  describe('idempotency', () => {
    let typeId: string;

    beforeAll(async () => {
      typeId = await createType(acme, 'payment.captured');
      await register(acme, typeId, 1, receiver.url('/idem/1'));
      await register(acme, typeId, 2, receiver.url('/idem/2'));
    });

    const rows = async () => ({ events: await platform.count('events'), deliveries: await platform.count('deliveries') });

    it('returns the first event for the same body idempotency_key (200) and creates nothing', async () => {
      const first = await publish(acme, { event_type: 'payment.captured', data: { n: 1 }, idempotency_key: 'pay-1' });
      expect(first.status).toBe(202);
      expect(first.body.data.deliveries).toBe(2);
      const before = await rows();
      const again = await publish(acme, { event_type: 'payment.captured', data: { n: 2 }, idempotency_key: 'pay-1' });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.data).toEqual(first.body.data);
      expect(await rows()).toEqual(before);
      await settled(first.body.data.event_id, 2);
      expect(receiver.received('/idem/1').filter((request) => JSON.parse(request.body).data.n === 2)).toHaveLength(0);
    });

    it('accepts the key as an Idempotency-Key header too, the same key space as the body field', async () => {
      const first = await publish(acme, { event_type: 'payment.captured', data: { n: 3 } }, { 'Idempotency-Key': 'pay-2' });
      expect(first.status).toBe(202);
      const before = await rows();
      const viaHeader = await publish(acme, { event_type: 'payment.captured', data: { n: 3 } }, { 'Idempotency-Key': 'pay-2' });
      const viaBody = await publish(acme, { event_type: 'payment.captured', data: { n: 3 }, idempotency_key: 'pay-2' });
      for (const replay of [viaHeader, viaBody]) {
        expect(replay.status).toBe(200);
        expect(replay.body.data).toEqual(first.body.data);
      }
      expect(await rows()).toEqual(before);
    });

    it('refuses a body key and header that differ, empty or overlong keys', async () => {
      const differ = await publish(acme, { event_type: 'payment.captured', data: {}, idempotency_key: 'a' }, { 'Idempotency-Key': 'b' });
      expect(differ.status).toBe(422);
      expect(differ.body.data.details).toEqual([{ field: 'idempotency_key', message: expect.stringContaining('differs') }]);
      expect((await publish(acme, { event_type: 'payment.captured', data: {}, idempotency_key: 'k'.repeat(256) })).status).toBe(422);
      expect((await publish(acme, { event_type: 'payment.captured', data: {}, idempotency_key: '' })).status).toBe(422);
      expect((await publish(acme, { event_type: 'payment.captured', data: {} }, { 'Idempotency-Key': 'k'.repeat(256) })).status).toBe(422);
      expect((await publish(acme, { event_type: 'payment.captured', data: {}, idempotency_key: 'k'.repeat(255) })).status).toBe(202);
    });

    it('creates exactly one event when the same key races', async () => {
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, n) => publish(acme, { event_type: 'payment.captured', data: { n }, idempotency_key: 'pay-race' })),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 202]);
      expect(new Set(responses.map((response) => response.body.data.event_id)).size).toBe(1);
      expect(responses.every((response) => response.body.data.deliveries === 2)).toBe(true);
      expect(await countWhere(`events WHERE idempotency_key = 'pay-race'`)).toBe(1);
    });

    it('lets a key be reused once its first event is older than 24 hours', async () => {
      const first = await publish(acme, { event_type: 'payment.captured', data: { n: 'old' }, idempotency_key: 'pay-old' });
      await platform.db.query(`UPDATE events SET created_at = created_at - interval '24 hours 1 minute' WHERE id = $1`, [first.body.data.event_id]);
      const reused = await publish(acme, { event_type: 'payment.captured', data: { n: 'new' }, idempotency_key: 'pay-old' });
      expect(reused.status).toBe(202);
      expect(reused.body.data.event_id).not.toBe(first.body.data.event_id);
      const keys = await platform.db.query<{ id: string; idempotency_key: string | null }>(`SELECT id, idempotency_key FROM events WHERE id = ANY($1::uuid[])`, [
        [first.body.data.event_id, reused.body.data.event_id],
      ]);
      expect(Object.fromEntries(keys.map((row) => [row.id, row.idempotency_key]))).toEqual({ [first.body.data.event_id]: null, [reused.body.data.event_id]: 'pay-old' });
      const replay = await publish(acme, { event_type: 'payment.captured', data: {}, idempotency_key: 'pay-old' });
      expect(replay.status).toBe(200);
      expect(replay.body.data.event_id).toBe(reused.body.data.event_id);
    });

    it('keeps idempotency keys per tenant', async () => {
      await createType(globex, 'payment.captured');
      const theirs = await publish(globex, { event_type: 'payment.captured', data: {}, idempotency_key: 'pay-1' });
      expect(theirs.status).toBe(202);
      expect(theirs.body.data.deliveries).toBe(0);
    });
  });

  describe('limits and bad input', () => {
    beforeAll(async () => {
      await createType(acme, 'blob.stored');
    });

    it('accepts data of exactly MAX_EVENT_BYTES as JSON and answers 413 one byte above, storing nothing', async () => {
      const max = platform.config.maxEventBytes;
      const data = (bytes: number) => ({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });
      expect(Buffer.byteLength(JSON.stringify(data(max + 1)))).toBe(max + 1);
      const events = await platform.count('events');
      const over = await publish(acme, { event_type: 'blob.stored', data: data(max + 1) });
      expect(over.status).toBe(413);
      expect(over.body.data.code).toBe('payload_too_large');
      expect(await platform.count('events')).toBe(events);
      const at = await publish(acme, { event_type: 'blob.stored', data: data(max) });
      expect(at.status).toBe(202);
    });

    it('counts the limit in UTF-8 bytes, not characters', async () => {
      const max = platform.config.maxEventBytes;
      const wide = { pad: 'é'.repeat(Math.ceil((max + 1 - '{"pad":""}'.length) / 2)) };
      expect(JSON.stringify(wide).length).toBeLessThanOrEqual(max);
      expect(Buffer.byteLength(JSON.stringify(wide))).toBeGreaterThan(max);
      const events = await platform.count('events');
      const over = await publish(acme, { event_type: 'blob.stored', data: wide });
      expect(over.status).toBe(413);
      expect(await platform.count('events')).toBe(events);
    });

    it.each([
      ['an unknown type', { event_type: 'nothing.here', data: {} }, 'event_type'],
      ['the system type', { event_type: 'file.uploaded', data: {} }, 'event_type'],
      ['no event_type', { data: {} }, 'event_type'],
      ['array data', { event_type: 'blob.stored', data: [1, 2] }, 'data'],
      ['string data', { event_type: 'blob.stored', data: 'text' }, 'data'],
      ['no data', { event_type: 'blob.stored' }, 'data'],
      ['a NUL character', { event_type: 'blob.stored', data: { a: 'x\u0000y' } }, 'data.a'],
      ['a string user_id', { event_type: 'blob.stored', data: {}, user_id: '1' }, 'user_id'],
      ['a zero user_id', { event_type: 'blob.stored', data: {}, user_id: 0 }, 'user_id'],
      ['an unknown field', { event_type: 'blob.stored', data: {}, extra: true }, 'extra'],
    ])('refuses %s with 422 naming the field', async (_case, body, field) => {
      const response = await publish(acme, body);
      expect(response.status).toBe(422);
      expect(response.body.data.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('answers malformed JSON with 400 and a missing key with 401', async () => {
      const malformed = await platform.request('POST', '/v1/events', { token: acme.apiKey, rawBody: '{"event_type":' });
      expect(malformed.status).toBe(400);
      expect((await platform.request('POST', '/v1/events', { body: { event_type: 'blob.stored', data: {} } })).status).toBe(401);
    });

    it('delivers data exactly as published, __proto__ and constructor keys included, polluting nothing', async () => {
      const id = await createType(acme, 'raw.data');
      const hook = await register(acme, id, 1, receiver.url('/raw'));
      const rawBody =
        '{"event_type":"raw.data","data":{"__proto__":{"polluted":true},"constructor":"Ferrari","nested":{"list":[1,"two",null,{"deep":[[]]}],"prototype":1},"big":1.5e300,"emoji":"😀"}}';
      const response = await platform.request('POST', '/v1/events', { token: acme.apiKey, rawBody });
      expect(response.status).toBe(202);
      const [received] = await receiver.waitFor('/raw', 1);
      verifySignature(received, hook.secret);
      const delivered = JSON.parse(received.body).data;
      // The tenant's data is not changed behind its back (Nest's pipe used to delete these keys silently).
      expect(JSON.parse(received.body).data).toEqual(JSON.parse(rawBody).data);
      expect(Object.keys(delivered).sort()).toEqual(['__proto__', 'big', 'constructor', 'emoji', 'nested']);
      expect(Object.getPrototypeOf(delivered)).toBe(Object.prototype);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });
  });

  describe('tenant isolation', () => {
    it('treats another tenant\'s type key as unknown (422) and never reaches its webhooks', async () => {
      const before = await countWhere(`events WHERE event_type_id = $1`, [orderType]);
      const response = await publish(globex, { event_type: 'order.created', data: { order_id: 'ord_1', amount: 1 } });
      expect(response.status).toBe(422);
      expect(response.body.data.details).toEqual([{ field: 'event_type', message: 'order.created is not an event type of this tenant' }]);
      expect(await countWhere(`events WHERE event_type_id = $1`, [orderType])).toBe(before);
      expect(await countWhere(`events WHERE tenant_id = $1 AND event_type_id = $2`, [globex.id, orderType])).toBe(0);
    });

    it('fans a tenant\'s event out to its own webhooks only, even on a shared key', async () => {
      const globexType = await createType(globex, 'order.created');
      await register(globex, globexType, 1, receiver.url('/iso/globex'));
      const response = await publish(globex, { event_type: 'order.created', data: { anything: true } });
      expect(response.status).toBe(202);
      expect(response.body.data.deliveries).toBe(1);
      const rows = await platform.db.query<{ tenant_id: string }>(
        `SELECT w.tenant_id FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.event_id = $1`,
        [response.body.data.event_id],
      );
      expect(rows).toEqual([{ tenant_id: globex.id }]);
      await receiver.waitFor('/iso/globex', 1);
    });
  });

  describe('a 300-webhook fan-out', () => {
    it('delivers to every one of them, once each', async () => {
      const wide = await platform.createTenant('wide');
      const typeId = await createType(wide, 'metric.recorded');
      const secrets = new Map<string, string>();
      for (let start = 0; start < 300; start += 25) {
        const batch = await Promise.all(Array.from({ length: 25 }, (_, offset) => register(wide, typeId, 1, receiver.url(`/wide/${start + offset}`))));
        batch.forEach((hook, offset) => secrets.set(`/wide/${start + offset}`, hook.secret));
      }
      const response = await publish(wide, { event_type: 'metric.recorded', data: { value: 42 } });
      expect(response.status).toBe(202);
      expect(response.body.data.deliveries).toBe(300);

      const received = await eventually('300 wide deliveries', async () => {
        const got = receiver.requests.filter((request) => request.path.startsWith('/wide/'));
        return got.length >= 300 ? got : null;
      }, 60000);
      expect(new Set(received.map((request) => request.path)).size).toBe(300);
      expect(new Set(received.map((request) => request.headers['webhook-id'])).size).toBe(300);
      for (const request of received) {
        expect(verifySignature(request, secrets.get(request.path)!)).toMatchObject({ id: response.body.data.event_id, data: { value: 42 } });
      }
      await settled(response.body.data.event_id, 300);
    });
  });
});

describe('a 10,000-webhook fan-out (no worker: what reaches Redis)', () => {
  let platform: Platform;
  const { createType, register, publish, countWhere } = helpers(() => platform);

  beforeAll(async () => {
    platform = await Platform.start({}, { worker: false });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('inserts every delivery with the event and queues them all in batches after answering', async () => {
    const tenant = await platform.createTenant('huge');
    const typeId = await createType(tenant, 'tick.happened');
    const first = await register(tenant, typeId, 1, 'http://127.0.0.1:9/huge');
    await platform.db.query(
      `INSERT INTO webhooks (tenant_id, event_type_id, user_id, url, secret_enc)
       SELECT w.tenant_id, w.event_type_id, w.user_id, w.url, w.secret_enc FROM webhooks w, generate_series(1, 9999) WHERE w.id = $1`,
      [first.id],
    );
    const response = await publish(tenant, { event_type: 'tick.happened', data: { n: 1 } });
    expect(response.status).toBe(202);
    expect(response.body.data.deliveries).toBe(10000);
    expect(await countWhere(`deliveries WHERE event_id = $1`, [response.body.data.event_id])).toBe(10000);

    await eventually('10,000 deliveries marked queued', async () => (await countWhere(`deliveries WHERE event_id = $1 AND status = 'queued'`, [response.body.data.event_id])) === 10000, 30000);
    const queue = platform.api.get<Queue>(getQueueToken('deliveries'), { strict: false });
    const counts = await queue.getJobCounts();
    expect(counts.waiting + counts.delayed).toBe(10000);
  });
});
