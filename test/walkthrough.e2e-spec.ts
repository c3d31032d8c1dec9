import { Platform, Tenant } from './support/platform';
import { Receiver, verifySignature } from './support/receiver';
import { systemEventTypeEntries } from './support/system-event-types';

/** The reference design's curl walkthrough, through the real API, PostgreSQL, Redis, worker and a local receiver. */
describe('walkthrough: register a webhook, upload a file, receive a signed POST', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start();
    tenant = await platform.createTenant('acme');
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('lists the system event types: file.uploaded and the operational events', async () => {
    const response = await platform.request('GET', '/event_type', { token: tenant.apiKey });
    expect(response.status).toBe(200);
    expect(response.body.error).toBe(false);
    expect(response.body.data).toEqual(systemEventTypeEntries());
  });

  it('delivers the upload, signed, with custom headers and payload', async () => {
    const webhook = await platform.registerWebhook(tenant, {
      user_id: 7,
      url: receiver.url('/walkthrough'),
      custom_headers: { 'Content-Type': 'application/json', Authorization: 'Bearer yourtokenhere', 'X-Team': 'payments' },
      custom_payload: { key1: 'value1', key2: 'value2' },
    });
    expect(webhook.secret).toMatch(/^whsec_/);
    expect(webhook.custom_headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Bearer yourtokenhere', 'X-Team': 'payments' });

    const content = 'the quick brown fox';
    const upload = await platform.upload(tenant, webhook.id, content, 'fox.txt');
    expect(upload.status).toBe(200);
    expect(upload.body).toEqual({
      message: 'ok',
      error: false,
      data: {
        upload_id: expect.any(String),
        event_id: expect.any(String),
        delivery_id: expect.any(String),
        filename: 'fox.txt',
        size: content.length,
        sha256: require('node:crypto').createHash('sha256').update(content).digest('hex'),
      },
    });

    const [received] = await receiver.waitFor('/walkthrough', 1);
    const payload = verifySignature(received, webhook.secret) as Record<string, any>;
    expect(received.headers['webhook-id']).toBe(upload.body.data.delivery_id);
    expect(received.headers.authorization).toBe('Bearer yourtokenhere');
    expect(received.headers['x-team']).toBe('payments');
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['user-agent']).toMatch(/^Hookline\//);
    expect(Object.keys(payload).slice(0, 4)).toEqual(['id', 'type', 'timestamp', 'data']);
    expect(payload).toMatchObject({
      id: upload.body.data.event_id,
      type: 'file.uploaded',
      key1: 'value1',
      key2: 'value2',
      data: {
        upload_id: upload.body.data.upload_id,
        filename: 'fox.txt',
        content_type: 'text/plain',
        size: content.length,
        sha256: upload.body.data.sha256,
        webhook_id: webhook.id,
        user_id: 7,
      },
    });
    expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);

    const delivery = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'succeeded');
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attempt: 1, status_code: 200, error: null, response_excerpt: 'ok', duration_ms: expect.any(Number) }),
    ]);

    const stored = await platform.request('GET', `/v1/uploads/${upload.body.data.upload_id}`, { token: tenant.apiKey });
    expect(stored.body.data).toMatchObject({ filename: 'fox.txt', size: content.length, sha256: upload.body.data.sha256, webhook_id: webhook.id });
  });

  it('masks credential headers after creation and pages through webhooks', async () => {
    const other = await platform.createTenant('paging');
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(await platform.registerWebhook(other, { url: receiver.url(`/page-${i}`), custom_headers: { 'X-Api-Key': `secret-${i}` } }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const response = await platform.request('GET', `/v1/webhooks${query}`, { token: other.apiKey });
      expect(response.status).toBe(200);
      for (const item of response.body.data.items) {
        expect(item.custom_headers['X-Api-Key']).toBe('********');
        expect(item.secret).toBeUndefined();
        seen.push(item.id);
      }
      cursor = response.body.data.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(created.map((webhook) => webhook.id).reverse());
    const one = await platform.request('GET', `/v1/webhooks/${created[0].id}`, { token: other.apiKey });
    expect(one.body.data.custom_headers).toEqual({ 'X-Api-Key': '********' });
  });

  it('keeps secrets and credential headers out of the database in clear', async () => {
    const webhook = await platform.registerWebhook(tenant, {
      url: receiver.url('/at-rest'),
      custom_headers: { Authorization: 'Bearer plain-credential-value' },
    });
    const rows = await platform.db.query<Record<string, unknown>>(`SELECT * FROM webhooks WHERE id = $1`, [webhook.id]);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain('plain-credential-value');
    expect(dump).not.toContain(webhook.secret.slice(6));
    const keys = await platform.db.query<Record<string, unknown>>(`SELECT * FROM api_keys`);
    expect(JSON.stringify(keys)).not.toContain(tenant.apiKey);
  });
});
