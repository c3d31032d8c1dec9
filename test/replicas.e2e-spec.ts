import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { createApiApp } from '../apps/api/src/bootstrap';
import { API_KEY_CACHE_TTL_MS } from '../apps/api/src/common/api-key.guard';
import { EVENT_TYPE_CACHE_TTL_MS } from '../apps/api/src/event-types/publishable-types';
import { Platform, Tenant } from './support/platform';

/**
 * Two API replicas on one database and one Redis: what one replica keeps in memory (a key's tenant, a publishable
 * event type) is dropped when the other one changes it, well inside the caches' TTL, so the change is not waiting
 * for an entry to expire.
 */
describe('API replicas: a change made through one is seen at once by the other', () => {
  let platform: Platform;
  let replica: INestApplication;
  let replicaUrl = '';
  let acme: Tenant;

  beforeAll(async () => {
    platform = await Platform.start({}, { worker: false });
    replica = await createApiApp(platform.config);
    await replica.listen(0, '127.0.0.1');
    replicaUrl = `http://127.0.0.1:${(replica.getHttpServer().address() as AddressInfo).port}`;
    acme = await platform.createTenant('acme');
  });

  afterAll(async () => {
    await replica?.close();
    await platform?.stop();
  });

  const onReplica = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(replicaUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  /** Polls the replica until `check` holds, for at most a fifth of the TTL: a pass cannot be an expiry. */
  const within = async (ttlMs: number, check: () => Promise<boolean>): Promise<number> => {
    const started = Date.now();
    while (Date.now() - started < ttlMs / 5) {
      if (await check()) return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the replica did not see the change within ${ttlMs / 5} ms`);
  };

  it('refuses a key revoked through the other replica, though it had just used it', async () => {
    const created = await platform.request('POST', '/v1/api-keys', { token: acme.apiKey, body: { name: 'replicated' } });
    expect(created.status).toBe(201);
    const key: string = created.body.data.key;
    // The replica looks the key up and keeps it.
    for (let i = 0; i < 3; i++) expect((await onReplica('GET', '/v1/api-keys', key)).status).toBe(200);

    const revoked = await platform.request('DELETE', `/v1/api-keys/${created.body.data.id}`, { token: acme.apiKey });
    expect(revoked.status).toBe(200);
    // The replica that revoked it refuses it on the very next request; the other one within a round trip of Redis.
    expect((await platform.request('GET', '/v1/api-keys', { token: key })).status).toBe(401);
    await within(API_KEY_CACHE_TTL_MS, async () => (await onReplica('GET', '/v1/api-keys', key)).status === 401);
    const refused = await onReplica('GET', '/v1/api-keys', key);
    expect(refused.body).toMatchObject({ error: true, message: 'Invalid or revoked API key' });
    // The tenant's other key still works on both.
    expect((await onReplica('GET', '/v1/api-keys', acme.apiKey)).status).toBe(200);
  });

  it('refuses a publish of a type archived through the other replica, and accepts it once unarchived', async () => {
    const type = await platform.request('POST', '/v1/event-types', { token: acme.apiKey, body: { key: 'invoice.paid' } });
    expect(type.status).toBe(201);
    const publish = () => onReplica('POST', '/v1/events', acme.apiKey, { event_type: 'invoice.paid', data: { invoice: 1 } });
    expect((await publish()).status).toBe(202);

    expect((await platform.request('PATCH', `/v1/event-types/${type.body.data.id}`, { token: acme.apiKey, body: { archived: true } })).status).toBe(200);
    await within(EVENT_TYPE_CACHE_TTL_MS, async () => (await publish()).status === 422);
    const refused = await publish();
    expect(refused.body.data.details).toEqual([{ field: 'event_type', message: expect.stringContaining('archived') }]);

    expect((await platform.request('PATCH', `/v1/event-types/${type.body.data.id}`, { token: acme.apiKey, body: { archived: false } })).status).toBe(200);
    await within(EVENT_TYPE_CACHE_TTL_MS, async () => (await publish()).status === 202);
  });

  it('applies a new schema published through the other replica to the next publishes there', async () => {
    const type = await platform.request('POST', '/v1/event-types', { token: acme.apiKey, body: { key: 'order.shipped' } });
    const publish = (data: unknown) => onReplica('POST', '/v1/events', acme.apiKey, { event_type: 'order.shipped', data });
    expect((await publish({ order: 'free-form' })).status).toBe(202);

    const schema = { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } };
    expect((await platform.request('PATCH', `/v1/event-types/${type.body.data.id}`, { token: acme.apiKey, body: { schema } })).status).toBe(200);
    await within(EVENT_TYPE_CACHE_TTL_MS, async () => (await publish({ order: 'free-form' })).status === 422);
    expect((await publish({ order_id: 'o-1' })).status).toBe(202);
  });
});
