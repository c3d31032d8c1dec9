import { Platform, Tenant } from './support/platform';
import { Receiver, verifySignature } from './support/receiver';

describe('deliveries: listing, manual retry and recovery', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start({ RETRY_SCHEDULE: '100ms' });
    tenant = await platform.createTenant('deliveries');
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('walks 250 deliveries newest first with no duplicate and none missing while new ones arrive', async () => {
    await platform.stopWorker();
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/paging') });
    const created: string[] = [];
    for (let i = 0; i < 250; i++) {
      const upload = await platform.upload(tenant, webhook.id, `file ${i}`);
      created.push(upload.body.data.delivery_id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      // New deliveries land while the walk is under way; they are newer than the cursor and must not disturb it.
      await platform.upload(tenant, webhook.id, `late ${page}`);
      const query: string = `?webhook_id=${webhook.id}&limit=40${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await platform.request('GET', `/v1/deliveries${query}`, { token: tenant.apiKey });
      expect(response.status).toBe(200);
      seen.push(...response.body.data.items.map((item: { id: string }) => item.id));
      cursor = response.body.data.next_cursor;
      if (!cursor) break;
    }
    const walked = seen.filter((id) => created.includes(id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(walked).toEqual([...created].reverse());
    await platform.startWorker();
  });

  it('filters by status and event', async () => {
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/filters') });
    const upload = await platform.upload(tenant, webhook.id);
    await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'succeeded');
    const byEvent = await platform.request('GET', `/v1/deliveries?event_id=${upload.body.data.event_id}`, { token: tenant.apiKey });
    expect(byEvent.body.data.items.map((item: { id: string }) => item.id)).toEqual([upload.body.data.delivery_id]);
    const failed = await platform.request('GET', `/v1/deliveries?webhook_id=${webhook.id}&status=failed`, { token: tenant.apiKey });
    expect(failed.body.data.items).toEqual([]);
    const bad = await platform.request('GET', `/v1/deliveries?status=lost`, { token: tenant.apiKey });
    expect(bad.status).toBe(422);
  });

  it('retries one failed delivery on demand, to its own endpoint only, recorded as manual', async () => {
    receiver.statuses('/manual', [500, 500], 200);
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/manual') });
    const bystander = await platform.registerWebhook(tenant, { url: receiver.url('/bystander') });
    const upload = await platform.upload(tenant, webhook.id);
    await platform.upload(tenant, bystander.id);
    await receiver.waitFor('/bystander', 1);
    const failed = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'failed');
    expect(failed.attempts.map((attempt: { status_code: number }) => attempt.status_code)).toEqual([500, 500]);

    const retry = await platform.request('POST', `/v1/deliveries/${upload.body.data.delivery_id}/retry`, { token: tenant.apiKey });
    expect(retry.status).toBe(202);
    const delivered = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'succeeded');
    expect(delivered.attempts).toHaveLength(3);
    expect(delivered.attempts[2]).toMatchObject({ attempt: 3, trigger: 'manual', status_code: 200 });
    const requests = receiver.received('/manual');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([upload.body.data.delivery_id]));
    verifySignature(requests[2], webhook.secret);
    expect(receiver.received('/bystander')).toHaveLength(1);
  });

  it('recovers every failed delivery of a webhook since a point in time', async () => {
    let down = true;
    receiver.on('/recover', (_request, _index, response) => {
      response.statusCode = down ? 503 : 200;
      response.end();
    });
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/recover') });
    const before = new Date(Date.now() - 1000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await platform.upload(tenant, webhook.id, `r${i}`)).body.data.delivery_id);
    for (const id of ids) await platform.waitForDelivery(tenant, id, 'failed');
    down = false;

    const none = await platform.request('POST', `/v1/webhooks/${webhook.id}/recover`, {
      token: tenant.apiKey,
      body: { since: new Date(Date.now() + 60_000).toISOString(), until: new Date(Date.now() + 120_000).toISOString() },
    });
    expect(none.body.data).toEqual({ recovered: 0 });

    const recovered = await platform.request('POST', `/v1/webhooks/${webhook.id}/recover`, { token: tenant.apiKey, body: { since: before } });
    expect(recovered.status).toBe(202);
    expect(recovered.body.data).toEqual({ recovered: 3 });
    for (const id of ids) {
      const delivery = await platform.waitForDelivery(tenant, id, 'succeeded');
      expect(delivery.attempts.at(-1)).toMatchObject({ status_code: 200, trigger: 'scheduled' });
    }
    const bad = await platform.request('POST', `/v1/webhooks/${webhook.id}/recover`, { token: tenant.apiKey, body: { since: 'yesterday' } });
    expect(bad.status).toBe(422);
  });

  it('never shows or touches another tenant\'s deliveries', async () => {
    const other = await platform.createTenant('other');
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/isolated') });
    const upload = await platform.upload(tenant, webhook.id);
    const id = upload.body.data.delivery_id;
    const list = await platform.request('GET', '/v1/deliveries', { token: other.apiKey });
    expect(list.body.data.items).toEqual([]);
    for (const [method, path, body] of [
      ['GET', `/v1/deliveries/${id}`, undefined],
      ['POST', `/v1/deliveries/${id}/retry`, undefined],
      ['POST', `/v1/webhooks/${webhook.id}/recover`, { since: new Date(0).toISOString() }],
    ] as const) {
      const response = await platform.request(method, path, { token: other.apiKey, body });
      expect(response.status).toBe(404);
      expect(response.body.data.code).toBe('not_found');
    }
  });
});
