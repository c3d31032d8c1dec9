import { randomUUID } from 'node:crypto';
import { ADMIN_TOKEN, ApiResponse, Platform, Tenant } from './support/platform';
import { Receiver } from './support/receiver';

const TABLES = ['tenants', 'api_keys', 'event_types', 'webhooks', 'events', 'deliveries', 'uploads'];

/**
 * One regression test per finding of the hostile-tenant probe (issue 19): input that answered 500 or was changed
 * silently, and the smaller gaps (ciphertexts not bound to their row, no webhook cap, open operator routes, latin1
 * file names, any target port). Each bad input answers a 4xx with the error envelope and changes nothing.
 */
describe('hostile input', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;
  let webhook: { id: string; secret: string };
  let eventTypeId: string;

  const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await platform.count(table)])));
  const expectRefused = (response: ApiResponse, status = 422) => {
    expect({ status: response.status, error: response.body.error, code: typeof response.body.data?.code }).toEqual({ status, error: true, code: 'string' });
  };

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start({ MAX_WEBHOOKS_PER_TENANT: '6', METRICS_TOKEN: 'metrics-token-0123456789', DOCS_TOKEN: 'docs-token-0123456789ab' });
    tenant = await platform.createTenant('hostile');
    webhook = await platform.registerWebhook(tenant, { url: receiver.url('/hostile') });
    const created = await platform.request('POST', '/v1/event-types', { token: tenant.apiKey, body: { key: 'order.created', name: 'Order created' } });
    eventTypeId = created.body.data.id;
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  describe('deep nesting', () => {
    const deep = `{"name":${'['.repeat(4000)}${']'.repeat(4000)}}`;
    it.each([
      ['POST', '/admin/tenants', true],
      ['POST', '/v1/events', false],
      ['POST', '/v1/event-types', false],
      ['POST', '/webhook/register', false],
      ['POST', '/v1/api-keys', false],
      ['PATCH', '/v1/webhooks/:id', false],
    ])('%s %s answers 422 for 4,000 levels of [, before anything recursive runs', async (method, path, admin) => {
      const before = await counts();
      const response = await platform.request(method, path.replace(':id', webhook.id), { token: admin ? ADMIN_TOKEN : tenant.apiKey, rawBody: deep });
      expectRefused(response);
      expect(response.body.data.details).toEqual([{ field: 'body', message: expect.stringContaining('nested too deeply') }]);
      expect(await counts()).toEqual(before);
    });
  });

  describe('NUL characters and unpaired surrogates, refused wherever a string is stored', () => {
    const bad = { nul: 'a\u0000b', surrogate: 'a\ud800b' };
    const cases: Array<[string, string, string, (text: string) => unknown, string]> = [
      ['custom payload', 'POST', '/webhook/register', (text) => ({ event_type_id: eventTypeId, user_id: 1, url: receiver.url('/x'), custom_payload: { note: text } }), 'custom_payload.note'],
      ['event data', 'POST', '/v1/events', (text) => ({ event_type: 'order.created', data: { nested: [{ text }] } }), 'data.nested[0].text'],
      ['the published event_type', 'POST', '/v1/events', (text) => ({ event_type: `order.${text}`, data: {} }), 'event_type'],
      ['an event type name', 'POST', '/v1/event-types', (text) => ({ key: 'name.bad', name: text }), 'name'],
      ['an event type description', 'POST', '/v1/event-types', (text) => ({ key: 'description.bad', description: text }), 'description'],
      ['an event type schema', 'POST', '/v1/event-types', (text) => ({ key: 'schema.bad', schema: { type: 'object', description: text } }), 'schema.description'],
      ['an API key name', 'POST', '/v1/api-keys', (text) => ({ name: text }), 'name'],
      ['a disable reason', 'POST', '/v1/webhooks/:id/disable', (text) => ({ reason: text }), 'reason'],
      ['a tenant name', 'POST', '/admin/tenants', (text) => ({ name: text }), 'name'],
    ];
    for (const [kind, text] of Object.entries(bad)) {
      it.each(cases)(`refuses ${kind} in %s`, async (_what, method, path, body, field) => {
        const before = await counts();
        const admin = path.startsWith('/admin');
        const response = await platform.request(method, path.replace(':id', webhook.id), { token: admin ? ADMIN_TOKEN : tenant.apiKey, body: body(text) });
        expectRefused(response);
        expect(response.body.data.details).toEqual([{ field, message: expect.stringMatching(kind === 'nul' ? /NUL/ : /surrogate/) }]);
        expect(await counts()).toEqual(before);
      });
    }

    it('refuses them in a key too, and in a query string', async () => {
      expectRefused(await platform.request('POST', '/v1/events', { token: tenant.apiKey, body: { event_type: 'order.created', data: { 'k\u0000': 1 } } }));
      expectRefused(await platform.request('GET', `/v1/deliveries?status=${encodeURIComponent('failed\u0000')}`, { token: tenant.apiKey }));
    });

    it('accepts emoji, RTL marks and paired surrogates', async () => {
      const response = await platform.request('POST', '/v1/events', {
        token: tenant.apiKey,
        body: { event_type: 'order.created', data: { text: 'שלום\u200f 🚀 \ud83d\ude80 café' } },
      });
      expect(response.status).toBe(202);
    });
  });

  describe('forged cursors and timestamps', () => {
    const forge = (text: string) => Buffer.from(text).toString('base64url');
    it.each([
      ['an impossible date', forge(`2026-02-30T10:00:00.000000|${randomUUID()}`)],
      ['hour 25', forge(`2026-01-01T25:00:00.000000|${randomUUID()}`)],
      ['a 36-character id that is no UUID', forge('2026-01-01T10:00:00.000000|zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz')],
      ['a third part', forge(`2026-01-01T10:00:00.000000|${randomUUID()}|x`)],
    ])('answers 422 for a cursor with %s on every list', async (_what, cursor) => {
      for (const path of ['/v1/deliveries', '/v1/webhooks', '/v1/event-types', '/v1/error-logs', '/v1/api-keys']) {
        const response = await platform.request('GET', `${path}?cursor=${cursor}`, { token: tenant.apiKey });
        expect({ path, status: response.status, field: response.body.data.details?.[0]?.field }).toEqual({ path, status: 422, field: 'cursor' });
      }
    });

    it.each(['20200101T000000Z', '2020-W01-1', '2020-02-30T00:00:00Z', '2020-001'])('recover answers 422 for since=%s', async (since) => {
      const response = await platform.request('POST', `/v1/webhooks/${webhook.id}/recover`, { token: tenant.apiKey, body: { since } });
      expectRefused(response);
      expect(response.body.data.details).toEqual([{ field: 'since', message: expect.stringContaining('RFC 3339') }]);
    });

    it('recover still takes an RFC 3339 time', async () => {
      const response = await platform.request('POST', `/v1/webhooks/${webhook.id}/recover`, { token: tenant.apiKey, body: { since: '2020-01-01T00:00:00Z' } });
      expect(response.status).toBe(202);
    });
  });

  describe('__proto__, constructor and prototype', () => {
    it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a property of a request body', async (key) => {
      const before = await counts();
      const response = await platform.request('POST', '/v1/api-keys', { token: tenant.apiKey, rawBody: `{"${key}":{"name":"polluted"},"name":"k"}` });
      expectRefused(response);
      expect(response.body.data.details).toEqual([{ field: key, message: `property ${key} should not exist` }]);
      expect(await counts()).toEqual(before);
    });

    it('refuses them in a custom payload, as the contract says, at any depth', async () => {
      const before = await counts();
      const rawBody = JSON.stringify({ event_type_id: eventTypeId, user_id: 1, url: receiver.url('/x') }).replace(/}$/, ',"custom_payload":{"a":{"__proto__":{"x":1}}}}');
      const response = await platform.request('POST', '/webhook/register', { token: tenant.apiKey, rawBody });
      expectRefused(response);
      expect(response.body.data.details).toEqual([{ field: 'custom_payload', message: expect.stringContaining('__proto__') }]);
      expect(await counts()).toEqual(before);
    });

    it('keeps them in a JSON Schema, where they are property names like any other', async () => {
      const rawBody = '{"key":"car.built","schema":{"type":"object","properties":{"constructor":{"type":"string"}},"required":["constructor"]}}';
      const created = await platform.request('POST', '/v1/event-types', { token: tenant.apiKey, rawBody });
      expect(created.status).toBe(201);
      expect(created.body.data.schema.properties).toEqual({ constructor: { type: 'string' } });
      const refused = await platform.request('POST', '/v1/events', { token: tenant.apiKey, body: { event_type: 'car.built', data: { model: 'F40' } } });
      expect(refused.status).toBe(422);
      const accepted = await platform.request('POST', '/v1/events', { token: tenant.apiKey, rawBody: '{"event_type":"car.built","data":{"constructor":"Ferrari"}}' });
      expect(accepted.status).toBe(202);
    });
  });

  it('reserves Expect, which undici refuses to send (every delivery would fail)', async () => {
    const response = await platform.request('POST', '/webhook/register', {
      token: tenant.apiKey,
      body: { event_type_id: eventTypeId, user_id: 1, url: receiver.url('/x'), custom_headers: { Expect: '100-continue' } },
    });
    expectRefused(response);
    expect(response.body.data.details[0].message).toContain('expect is reserved');
  });

  it("never signs with a secret copied from another tenant's row: the attempt fails, nothing is sent", async () => {
    const other = await platform.createTenant('victim');
    const victims = await platform.registerWebhook(other, { url: receiver.url('/victim') });
    await platform.db.query(`UPDATE webhooks SET secret_enc = (SELECT secret_enc FROM webhooks WHERE id = $1) WHERE id = $2`, [webhook.id, victims.id]);
    const upload = await platform.upload(other, victims.id);
    expect(upload.status).toBe(200);
    const delivery = await platform.waitForDelivery(other, upload.body.data.delivery_id, 'failed');
    expect(delivery.attempts[0]).toMatchObject({ status_code: null, error: expect.stringContaining('cannot be decrypted') });
    expect(receiver.received('/victim')).toHaveLength(0);
    // Positive control: the tenant whose secret it is still delivers, signed.
    await platform.upload(tenant, webhook.id);
    await receiver.waitFor('/hostile', 1);
  });

  it('caps the webhooks of a tenant (MAX_WEBHOOKS_PER_TENANT), 422 past it, and frees a place on delete', async () => {
    const capped = await platform.createTenant('capped');
    const made: string[] = [];
    for (let index = 0; index < 6; index++) made.push((await platform.registerWebhook(capped, { url: receiver.url(`/cap/${index}`) })).id);
    const before = await counts();
    const refused = await platform.request('POST', '/webhook/register', {
      token: capped.apiKey,
      body: { event_type_id: await platform.systemEventTypeId(capped), user_id: 1, url: receiver.url('/cap/7') },
    });
    expectRefused(refused);
    expect(refused.body.data.code).toBe('too_many_webhooks');
    expect(await counts()).toEqual(before);
    expect((await platform.request('DELETE', `/v1/webhooks/${made[0]}`, { token: capped.apiKey })).status).toBe(200);
    await platform.registerWebhook(capped, { url: receiver.url('/cap/7') });
  });

  it('asks for METRICS_TOKEN and DOCS_TOKEN when they are set', async () => {
    const status = async (path: string, token?: string) => (await fetch(platform.baseUrl + path, { headers: token ? { authorization: `Bearer ${token}` } : {} })).status;
    expect(await status('/metrics')).toBe(401);
    expect(await status('/metrics', 'wrong-token-0123456789')).toBe(401);
    expect(await status('/metrics', 'metrics-token-0123456789')).toBe(200);
    expect(await status('/docs-json')).toBe(401);
    expect(await status('/docs-json', 'docs-token-0123456789ab')).toBe(200);
    // Liveness stays open for the orchestrator.
    expect(await status('/health')).toBe(200);
  });

  it('reads UTF-8 file names as UTF-8', async () => {
    const upload = await platform.upload(tenant, webhook.id, 'hi', 'résumé 🚀.txt');
    expect(upload.status).toBe(200);
    expect(upload.body.data.filename).toBe('résumé 🚀.txt');
  });

  it('bounds how long a request may take to arrive (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS)', () => {
    const server = platform.api.getHttpServer();
    expect({ headers: server.headersTimeout, request: server.requestTimeout }).toEqual({ headers: 20_000, request: 120_000 });
  });
});

describe('hostile input: target ports (ALLOWED_TARGET_PORTS)', () => {
  let platform: Platform;
  let tenant: Tenant;

  beforeAll(async () => {
    platform = await Platform.start({ ALLOW_PRIVATE_TARGETS: 'false' }, { worker: false });
    tenant = await platform.createTenant('ports');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it.each([22, 25, 1023])('refuses a public host on port %i, naming the setting, before any DNS lookup', async (port) => {
    const response = await platform.request('POST', '/webhook/register', {
      token: tenant.apiKey,
      body: { event_type_id: await platform.systemEventTypeId(tenant), user_id: 1, url: `https://hooks.example.com:${port}/in` },
    });
    expect(response.status).toBe(422);
    expect(response.body.data.details).toEqual([{ field: 'url', message: expect.stringContaining(`port ${port} is not one webhooks may use (ALLOWED_TARGET_PORTS=80,443,1024-65535)`) }]);
  });
});
