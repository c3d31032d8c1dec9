import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { Platform, Tenant } from './support/platform';
import { Receiver } from './support/receiver';
import { SYSTEM_EVENT_TYPE_KEYS } from './support/system-event-types';

const TABLES = ['webhooks', 'uploads', 'events', 'deliveries', 'delivery_attempts', 'error_logs'];

/** Tenant B must not see, change or trigger anything of tenant A's; a foreign id answers exactly like a missing one. */
describe('tenant isolation', () => {
  let platform: Platform;
  let receiver: Receiver;
  let a: Tenant;
  let b: Tenant;
  let webhookA: { id: string; secret: string };
  let failingWebhookA: { id: string };
  let uploadA: { upload_id: string; event_id: string; delivery_id: string };
  let failedDeliveryA: string;
  let eventTypeA: string;

  async function snapshot(): Promise<{ counts: Record<string, number>; files: string[] }> {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = await platform.count(table);
    const files = (await readdir(platform.uploadDir, { recursive: true })).map(String).sort();
    return { counts, files };
  }

  /** The 404 for a random uuid, with which every answer about A's ids must agree byte for byte. */
  async function missing(method: string, pathFor: (id: string) => string): Promise<{ status: number; body: unknown }> {
    const response = method === 'UPLOAD' ? await platform.upload(b, randomUUID()) : await platform.request(method, pathFor(randomUUID()), { token: b.apiKey });
    return { status: response.status, body: response.body };
  }

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start();
    a = await platform.createTenant('tenant-a');
    b = await platform.createTenant('tenant-b');
    webhookA = await platform.registerWebhook(a, { url: receiver.url('/a'), custom_headers: { Authorization: 'Bearer a-only' } });
    const upload = await platform.upload(a, webhookA.id, 'tenant A file', 'a.txt');
    expect(upload.status).toBe(200);
    uploadA = upload.body.data;
    await platform.waitForDelivery(a, uploadA.delivery_id, 'succeeded');

    // A failed delivery of A's gives A an error log for B not to see.
    receiver.statuses('/a-down', [], 500);
    failingWebhookA = await platform.registerWebhook(a, { url: receiver.url('/a-down') });
    const failing = await platform.upload(a, failingWebhookA.id);
    failedDeliveryA = failing.body.data.delivery_id;
    await platform.waitForDelivery(a, failedDeliveryA, 'failed');

    const [row] = await platform.db.query<{ id: string }>(
      `INSERT INTO event_types (tenant_id, key, name, description) VALUES ($1, 'invoice.paid', 'invoice paid', 'A only') RETURNING id`,
      [a.id],
    );
    eventTypeA = row.id;
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it("answers 404 on A's webhook exactly as on a random id", async () => {
    const foreign = await platform.request('GET', `/v1/webhooks/${webhookA.id}`, { token: b.apiKey });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ message: expect.any(String), data: { code: 'not_found', details: [] }, error: true });
    expect({ status: foreign.status, body: foreign.body }).toEqual(await missing('GET', (id) => `/v1/webhooks/${id}`));
    // A still sees it.
    expect((await platform.request('GET', `/v1/webhooks/${webhookA.id}`, { token: a.apiKey })).status).toBe(200);
  });

  it("answers 404 on A's upload and delivery exactly as on random ids", async () => {
    const upload = await platform.request('GET', `/v1/uploads/${uploadA.upload_id}`, { token: b.apiKey });
    expect(upload.status).toBe(404);
    expect({ status: upload.status, body: upload.body }).toEqual(await missing('GET', (id) => `/v1/uploads/${id}`));

    for (const deliveryId of [uploadA.delivery_id, failedDeliveryA]) {
      const delivery = await platform.request('GET', `/v1/deliveries/${deliveryId}`, { token: b.apiKey });
      expect(delivery.status).toBe(404);
      expect({ status: delivery.status, body: delivery.body }).toEqual(await missing('GET', (id) => `/v1/deliveries/${id}`));
    }
    expect((await platform.request('GET', `/v1/uploads/${uploadA.upload_id}`, { token: a.apiKey })).status).toBe(200);
    expect((await platform.request('GET', `/v1/deliveries/${uploadA.delivery_id}`, { token: a.apiKey })).status).toBe(200);
  });

  it("refuses B's upload to A's webhook with 404 and writes nothing", async () => {
    const before = await snapshot();
    const receivedBefore = receiver.requests.length;
    const response = await platform.upload(b, webhookA.id, 'tenant B trying', 'b.txt');
    expect(response.status).toBe(404);
    expect({ status: response.status, body: response.body }).toEqual(await missing('UPLOAD', () => ''));
    expect(await snapshot()).toEqual(before);
    // Nothing was triggered either: an upload made after it (by a third tenant, to leave A's and B's data as they are)
    // arrives, and it is the only new request.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const c = await platform.createTenant('tenant-c');
    const control = await platform.registerWebhook(c, { url: receiver.url('/b-control') });
    expect((await platform.upload(c, control.id, 'tenant C, its own webhook', 'c.txt')).status).toBe(200);
    await receiver.waitFor('/b-control', 1);
    expect(receiver.requests.slice(receivedBefore).map((request) => request.path)).toEqual(['/b-control']);
  });

  it("never lists A's webhooks or error logs to B", async () => {
    const webhooksB = await platform.request('GET', '/v1/webhooks', { token: b.apiKey });
    expect(webhooksB.status).toBe(200);
    expect(webhooksB.body.data).toEqual({ items: [], next_cursor: null });
    const filtered = await platform.request('GET', `/v1/webhooks?event_type_id=${await platform.systemEventTypeId(a)}`, { token: b.apiKey });
    expect(filtered.body.data.items).toEqual([]);

    for (const query of ['', `?webhook_id=${failingWebhookA.id}`, `?delivery_id=${failedDeliveryA}`]) {
      const logs = await platform.request('GET', `/v1/error-logs${query}`, { token: b.apiKey });
      expect(logs.status).toBe(200);
      expect(logs.body.data).toEqual({ items: [], next_cursor: null });
    }

    // A's own lists do show them, so the empty answers above are isolation, not an empty database.
    const webhooksA = await platform.request('GET', '/v1/webhooks', { token: a.apiKey });
    expect(webhooksA.body.data.items.map((item: { id: string }) => item.id).sort()).toEqual([webhookA.id, failingWebhookA.id].sort());
    const logsA = await platform.request('GET', '/v1/error-logs', { token: a.apiKey });
    expect(logsA.body.data.items.map((item: { delivery_id: string }) => item.delivery_id)).toEqual([failedDeliveryA]);
  });

  it("does not show A's tenant-defined event types to B", async () => {
    const forA = await platform.request('GET', '/event_type', { token: a.apiKey });
    expect(forA.body.data.map((type: { key: string }) => type.key)).toEqual([...SYSTEM_EVENT_TYPE_KEYS, 'invoice.paid']);
    const forB = await platform.request('GET', '/event_type', { token: b.apiKey });
    expect(forB.status).toBe(200);
    expect(forB.body.data.map((type: { key: string }) => type.key)).toEqual(SYSTEM_EVENT_TYPE_KEYS);

    // Nor can B subscribe to it: an event type B cannot see is a validation failure, and nothing is written.
    const before = await platform.count('webhooks');
    const register = await platform.request('POST', '/webhook/register', {
      token: b.apiKey,
      body: { event_type_id: eventTypeA, user_id: 1, url: receiver.url('/b') },
    });
    expect(register.status).toBe(422);
    expect(register.body.data.details).toEqual([{ field: 'event_type_id', message: expect.any(String) }]);
    expect(await platform.count('webhooks')).toBe(before);
  });

  it("does not list A's deliveries or event types to B", async () => {
    for (const query of ['', `?webhook_id=${webhookA.id}`, `?event_id=${uploadA.event_id}`, '?status=failed']) {
      const deliveries = await platform.request('GET', `/v1/deliveries${query}`, { token: b.apiKey });
      expect(deliveries.status).toBe(200);
      expect(deliveries.body.data).toEqual({ items: [], next_cursor: null });
    }
    const types = await platform.request('GET', '/v1/event-types?include_archived=true', { token: b.apiKey });
    expect(types.status).toBe(200);
    expect(types.body.data.items.map((type: { id: string }) => type.id)).not.toContain(eventTypeA);
    const deliveriesA = await platform.request('GET', '/v1/deliveries', { token: a.apiKey });
    expect(deliveriesA.body.data.items).toHaveLength(2);
  });

  it("answers 404 to every attempt by B to change or trigger A's resources, and nothing changes", async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const routes: Array<[string, (id: string) => string, unknown, () => string]> = [
      ['GET', (id) => `/v1/webhooks/${id}/secret`, undefined, () => webhookA.id],
      ['PATCH', (id) => `/v1/webhooks/${id}`, { url: receiver.url('/hijacked') }, () => webhookA.id],
      ['POST', (id) => `/v1/webhooks/${id}/rotate-secret`, undefined, () => webhookA.id],
      ['POST', (id) => `/v1/webhooks/${id}/disable`, {}, () => webhookA.id],
      ['POST', (id) => `/v1/webhooks/${id}/enable`, undefined, () => failingWebhookA.id],
      ['POST', (id) => `/v1/webhooks/${id}/recover`, { since }, () => failingWebhookA.id],
      ['POST', (id) => `/v1/deliveries/${id}/retry`, undefined, () => failedDeliveryA],
      ['GET', (id) => `/v1/event-types/${id}`, undefined, () => eventTypeA],
      ['PATCH', (id) => `/v1/event-types/${id}`, { name: 'renamed by B' }, () => eventTypeA],
      ['DELETE', (id) => `/v1/webhooks/${id}`, undefined, () => webhookA.id],
    ];
    const state = async () => ({
      webhooks: await platform.db.query('SELECT * FROM webhooks WHERE tenant_id = $1 ORDER BY id', [a.id]),
      deliveries: await platform.db.query('SELECT id, status, attempt_count, updated_at FROM deliveries ORDER BY id'),
      attempts: await platform.count('delivery_attempts'),
      types: await platform.db.query('SELECT * FROM event_types ORDER BY id'),
      requests: receiver.requests.length,
    });
    const before = await state();
    for (const [method, path, body, id] of routes) {
      const foreign = await platform.request(method, path(id()), { token: b.apiKey, body });
      const random = await platform.request(method, path(randomUUID()), { token: b.apiKey, body });
      expect({ route: `${method} ${path(':id')}`, status: foreign.status, body: foreign.body }).toEqual({ route: `${method} ${path(':id')}`, status: 404, body: random.body });
    }
    // Long enough for a wrongly queued retry or recovery to have reached the receiver.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await state()).toEqual(before);
    // Positive control: the same retry asked by A itself reaches A's endpoint.
    const receivedBefore = receiver.received('/a-down').length;
    expect((await platform.request('POST', `/v1/deliveries/${failedDeliveryA}/retry`, { token: a.apiKey })).status).toBe(202);
    await receiver.waitFor('/a-down', receivedBefore + 1);
    expect(receiver.received('/hijacked')).toHaveLength(0);
  });
});
