import { randomBytes, randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { Platform, Tenant } from './support/platform';
import { ReceivedRequest, Receiver, verifySignature } from './support/receiver';

/** Endpoint lifecycle end to end: secret rotation, disable/enable (by hand, on 410, on a failure threshold), PATCH, DELETE. */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A secret no webhook has: verifying with it must fail. */
const strangerSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

function signatures(request: ReceivedRequest): string[] {
  return String(request.headers['webhook-signature']).split(' ');
}

/** Holds a response until the test opens it (or `maxMs` passes, so a failed test never hangs the receiver). */
function gate(maxMs: number): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    open = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { wait, open };
}

async function webhookOf(platform: Platform, tenant: Tenant, id: string): Promise<any> {
  const response = await platform.request('GET', `/v1/webhooks/${id}`, { token: tenant.apiKey });
  expect(response.status).toBe(200);
  return response.body.data;
}

async function uploadOk(platform: Platform, tenant: Tenant, webhookId: string): Promise<{ delivery_id: string; event_id: string }> {
  const upload = await platform.upload(tenant, webhookId);
  expect(upload.status).toBe(200);
  return upload.body.data;
}

describe('lifecycle: rotation, disable/enable, PATCH and DELETE (default schedule)', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start();
    tenant = await platform.createTenant('lifecycle');
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('rotates the secret: during the grace every delivery verifies with the old AND the new secret', async () => {
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/rotate') });
    const rotated = await platform.request('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, { token: tenant.apiKey });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      message: expect.any(String),
      error: false,
      data: { secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+={0,2}$/), previous_secret_expires_at: expect.any(String) },
    });
    const { secret, previous_secret_expires_at: expiresAt } = rotated.body.data;
    expect(secret).not.toBe(webhook.secret);
    // Default SECRET_ROTATION_GRACE is 24h.
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now() + 23 * 3_600_000);

    const current = await platform.request('GET', `/v1/webhooks/${webhook.id}/secret`, { token: tenant.apiKey });
    expect(current.status).toBe(200);
    expect(current.body.data).toEqual({ secret });

    await uploadOk(platform, tenant, webhook.id);
    const [received] = await receiver.waitFor('/rotate', 1);
    expect(signatures(received)).toHaveLength(2);
    for (const signature of signatures(received)) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(() => verifySignature(received, webhook.secret)).not.toThrow();
    expect(() => verifySignature(received, secret)).not.toThrow();
    expect(() => verifySignature(received, strangerSecret())).toThrow();

    // Rotating again within the grace keeps only the most recent old secret: the first one stops verifying at once.
    const again = await platform.request('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, { token: tenant.apiKey });
    expect(again.status).toBe(200);
    await uploadOk(platform, tenant, webhook.id);
    const [, second] = await receiver.waitFor('/rotate', 2);
    expect(signatures(second)).toHaveLength(2);
    expect(() => verifySignature(second, again.body.data.secret)).not.toThrow();
    expect(() => verifySignature(second, secret)).not.toThrow();
    expect(() => verifySignature(second, webhook.secret)).toThrow();

    // The secrets stay out of the database in clear, the previous one included.
    const [row] = await platform.db.query<Record<string, unknown>>(`SELECT * FROM webhooks WHERE id = $1`, [webhook.id]);
    const dump = JSON.stringify(row);
    for (const plain of [secret, again.body.data.secret]) expect(dump).not.toContain(plain.slice(6));
    expect(row.previous_secret_enc).toEqual(expect.stringMatching(/^enc2:/));
  });

  it('disables the webhook at once when the receiver answers 410 Gone', async () => {
    receiver.statuses('/gone', [410]);
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/gone') });
    const { delivery_id } = await uploadOk(platform, tenant, webhook.id);

    const delivery = await platform.waitForDelivery(tenant, delivery_id, 'failed');
    expect(delivery.failure_reason).toBe('gone');
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status_code: 410 })]);

    const disabled = await webhookOf(platform, tenant, webhook.id);
    expect(disabled).toMatchObject({ status: 'disabled', disabled_reason: expect.stringContaining('410'), consecutive_failures: 1 });
    expect(new Date(disabled.disabled_at).toISOString()).toBe(disabled.disabled_at);

    const refused = await platform.upload(tenant, webhook.id);
    expect(refused.status).toBe(409);
    expect(refused.body.data.code).toBe('webhook_disabled');
    expect(receiver.received('/gone')).toHaveLength(1);
  });

  it('counts a redirect as a failed attempt and never requests its Location', async () => {
    receiver.on('/redirect', (_request, _index, response) => {
      response.statusCode = 302;
      response.setHeader('location', receiver.url('/redirect-target'));
      response.end();
    });
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/redirect') });
    const { delivery_id } = await uploadOk(platform, tenant, webhook.id);

    const delivery = await platform.waitForDelivery(tenant, delivery_id, 'failed');
    expect(delivery.failure_reason).toBe('exhausted');
    expect(delivery.attempts).toHaveLength(3); // RETRY_SCHEDULE=200ms,200ms
    for (const attempt of delivery.attempts) {
      expect(attempt).toMatchObject({ status_code: 302, error: expect.stringMatching(/redirects are not followed/) });
    }
    expect(receiver.received('/redirect')).toHaveLength(3);
    expect(receiver.received('/redirect-target')).toHaveLength(0);
  });

  it('sends the next retry to a PATCHed URL', async () => {
    const held = gate(2500); // below DELIVERY_TIMEOUT_MS (3000) so the held answer still arrives
    receiver.on('/patch-a', async (_request, _index, response: ServerResponse) => {
      await held.wait;
      response.statusCode = 500;
      response.end('down');
    });
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/patch-a') });
    const { delivery_id } = await uploadOk(platform, tenant, webhook.id);

    // The first attempt is in flight at A; move the endpoint to B before A answers.
    await receiver.waitFor('/patch-a', 1);
    const patched = await platform.request('PATCH', `/v1/webhooks/${webhook.id}`, { token: tenant.apiKey, body: { url: receiver.url('/patch-b') } });
    held.open();
    expect(patched.status).toBe(200);
    expect(patched.body.data.url).toBe(receiver.url('/patch-b'));

    const delivery = await platform.waitForDelivery(tenant, delivery_id, 'succeeded');
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attempt: 1, url: receiver.url('/patch-a'), status_code: 500 }),
      expect.objectContaining({ attempt: 2, url: receiver.url('/patch-b'), status_code: 200 }),
    ]);
    const [landed] = await receiver.waitFor('/patch-b', 1);
    expect(() => verifySignature(landed, webhook.secret)).not.toThrow();
    expect(receiver.received('/patch-a')).toHaveLength(1);
  });

  it('PATCHes headers (replaced as a whole), payload and user_id, with the registration rules', async () => {
    const webhook = await platform.registerWebhook(tenant, {
      user_id: 3,
      url: receiver.url('/patch-fields'),
      custom_headers: { 'X-Team': 'old', Authorization: 'Bearer old' },
      custom_payload: { plan: 'free' },
    });
    const patch = (body: unknown) => platform.request('PATCH', `/v1/webhooks/${webhook.id}`, { token: tenant.apiKey, body });
    const fieldsOf = (response: { body: { data: any } }) => response.body.data.details.map((detail: any) => detail.field);

    for (const [body, field] of [
      [{ url: 'ftp://example.com/' }, 'url'],
      [{ url: null }, 'url'],
      [{ url: 'http://user:pass@127.0.0.1/' }, 'url'],
      [{ user_id: 0 }, 'user_id'],
      [{ user_id: null }, 'user_id'],
      [{ event_type_id: 'nope' }, 'event_type_id'],
      [{ event_type_id: randomUUID() }, 'event_type_id'],
      [{ custom_headers: { Host: 'evil.example' } }, 'custom_headers'],
      [{ custom_headers: { 'X-Bad': 'a\r\nInjected: 1' } }, 'custom_headers'],
      [{ custom_payload: { id: 'shadow' } }, 'custom_payload'],
      [{ secret: 'whsec_mine' }, 'secret'],
    ] as Array<[unknown, string]>) {
      const refused = await patch(body);
      expect({ body, status: refused.status }).toEqual({ body, status: 422 });
      expect(refused.body.data.code).toBe('validation_failed');
      expect(fieldsOf(refused)).toContain(field);
    }
    expect(await webhookOf(platform, tenant, webhook.id)).toMatchObject({ url: receiver.url('/patch-fields'), user_id: 3 });

    const changed = await patch({ user_id: 42, custom_headers: { Authorization: 'Bearer new', 'X-Other': 'a' }, custom_payload: { plan: 'pro' } });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({
      user_id: 42,
      url: receiver.url('/patch-fields'),
      custom_headers: { Authorization: '********', 'X-Other': 'a' },
      custom_payload: { plan: 'pro' },
    });
    expect(changed.body.data.secret).toBeUndefined();

    await uploadOk(platform, tenant, webhook.id);
    const [received] = await receiver.waitFor('/patch-fields', 1);
    expect(received.headers.authorization).toBe('Bearer new');
    expect(received.headers['x-other']).toBe('a');
    expect(received.headers['x-team']).toBeUndefined();
    const payload = verifySignature(received, webhook.secret) as Record<string, any>;
    expect(payload).toMatchObject({ plan: 'pro', data: { user_id: 42 } });

    const cleared = await patch({ custom_headers: {}, custom_payload: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ custom_headers: {}, custom_payload: null });
    const [row] = await platform.db.query<{ custom_headers_enc: string | null }>(`SELECT custom_headers_enc FROM webhooks WHERE id = $1`, [webhook.id]);
    expect(row.custom_headers_enc).toBeNull();

    const noop = await patch({});
    expect(noop.status).toBe(200);
    expect(noop.body.data.url).toBe(receiver.url('/patch-fields'));
  });

  it('disables and enables by hand; enabling clears the failure count and the reason', async () => {
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/manual') });
    await platform.db.query(`UPDATE webhooks SET consecutive_failures = 4 WHERE id = $1`, [webhook.id]);

    const disabled = await platform.request('POST', `/v1/webhooks/${webhook.id}/disable`, { token: tenant.apiKey });
    expect(disabled.status).toBe(200);
    expect(disabled.body.data).toMatchObject({ id: webhook.id, status: 'disabled', disabled_reason: 'disabled by API request', disabled_at: expect.any(String) });

    // A second disable keeps the first reason and time.
    const again = await platform.request('POST', `/v1/webhooks/${webhook.id}/disable`, { token: tenant.apiKey, body: { reason: 'later reason' } });
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ disabled_reason: 'disabled by API request', disabled_at: disabled.body.data.disabled_at });
    const badReason = await platform.request('POST', `/v1/webhooks/${webhook.id}/disable`, { token: tenant.apiKey, body: { reason: 5 } });
    expect(badReason.status).toBe(422);

    expect((await platform.upload(tenant, webhook.id)).status).toBe(409);

    const enabled = await platform.request('POST', `/v1/webhooks/${webhook.id}/enable`, { token: tenant.apiKey });
    expect(enabled.status).toBe(200);
    expect(enabled.body.data).toMatchObject({ status: 'enabled', consecutive_failures: 0, disabled_reason: null, disabled_at: null });
    const { delivery_id } = await uploadOk(platform, tenant, webhook.id);
    await platform.waitForDelivery(tenant, delivery_id, 'succeeded');
  });

  it('fails queued deliveries at once on disable and on delete; a deleted webhook is 404 everywhere', async () => {
    const toDisable = await platform.registerWebhook(tenant, { url: receiver.url('/queued-disable') });
    const toDelete = await platform.registerWebhook(tenant, { url: receiver.url('/queued-delete') });
    await platform.stopWorker();
    let disabledDeliveries: string[];
    let deletedDelivery: string;
    try {
      disabledDeliveries = [(await uploadOk(platform, tenant, toDisable.id)).delivery_id, (await uploadOk(platform, tenant, toDisable.id)).delivery_id];
      deletedDelivery = (await uploadOk(platform, tenant, toDelete.id)).delivery_id;
      const waiting = await platform.request('GET', `/v1/deliveries/${disabledDeliveries[0]}`, { token: tenant.apiKey });
      expect(['pending', 'queued']).toContain(waiting.body.data.status);

      const disabled = await platform.request('POST', `/v1/webhooks/${toDisable.id}/disable`, { token: tenant.apiKey, body: { reason: 'maintenance window' } });
      expect(disabled.status).toBe(200);
      expect(disabled.body.data).toMatchObject({ status: 'disabled', disabled_reason: 'maintenance window' });
      for (const id of disabledDeliveries) {
        const delivery = (await platform.request('GET', `/v1/deliveries/${id}`, { token: tenant.apiKey })).body.data;
        expect(delivery).toMatchObject({ status: 'failed', failure_reason: 'endpoint_disabled', attempt_count: 0, attempts: [] });
        const logs = await platform.request('GET', `/v1/error-logs?delivery_id=${id}`, { token: tenant.apiKey });
        expect(logs.body.data.items).toEqual([
          expect.objectContaining({ webhook_id: toDisable.id, delivery_id: id, message: expect.stringContaining('endpoint_disabled') }),
        ]);
      }

      const deleted = await platform.request('DELETE', `/v1/webhooks/${toDelete.id}`, { token: tenant.apiKey });
      expect(deleted.status).toBe(200);
      expect(deleted.body.data).toEqual({ id: toDelete.id, deleted: true, failed_deliveries: 1 });
      const gone = (await platform.request('GET', `/v1/deliveries/${deletedDelivery}`, { token: tenant.apiKey })).body.data;
      expect(gone).toMatchObject({ status: 'failed', failure_reason: 'endpoint_deleted', attempts: [] });
      const logs = await platform.request('GET', `/v1/error-logs?delivery_id=${deletedDelivery}`, { token: tenant.apiKey });
      expect(logs.body.data.items).toEqual([expect.objectContaining({ message: expect.stringContaining('endpoint_deleted') })]);
    } finally {
      await platform.startWorker();
    }

    const token = tenant.apiKey;
    const id = toDelete.id;
    for (const [method, path, body] of [
      ['GET', `/v1/webhooks/${id}`],
      ['PATCH', `/v1/webhooks/${id}`, { url: receiver.url('/x') }],
      ['DELETE', `/v1/webhooks/${id}`],
      ['POST', `/v1/webhooks/${id}/rotate-secret`],
      ['GET', `/v1/webhooks/${id}/secret`],
      ['POST', `/v1/webhooks/${id}/disable`],
      ['POST', `/v1/webhooks/${id}/enable`],
    ] as Array<[string, string, unknown?]>) {
      const response = await platform.request(method, path, { token, body });
      expect({ method, path, status: response.status, code: response.body.data?.code }).toEqual({ method, path, status: 404, code: 'not_found' });
    }
    expect((await platform.upload(tenant, id)).status).toBe(404);
    const listed = await platform.request('GET', '/v1/webhooks?limit=100', { token });
    expect(listed.body.data.items.map((item: any) => item.id)).not.toContain(id);

    // The worker, back, skips the jobs still in Redis: a fresh delivery gets through, the failed ones are never sent.
    const fresh = await platform.registerWebhook(tenant, { url: receiver.url('/after-restart') });
    await platform.waitForDelivery(tenant, (await uploadOk(platform, tenant, fresh.id)).delivery_id, 'succeeded');
    expect(receiver.received('/queued-disable')).toHaveLength(0);
    expect(receiver.received('/queued-delete')).toHaveLength(0);
    const still = (await platform.request('GET', `/v1/deliveries/${disabledDeliveries![0]}`, { token })).body.data;
    expect(still).toMatchObject({ status: 'failed', failure_reason: 'endpoint_disabled', attempts: [] });
  });

  it("filters the list by user_id, event_type_id and status, and never shows or touches another tenant's webhooks", async () => {
    const owner = await platform.createTenant('filters');
    const stranger = await platform.createTenant('stranger');
    const [orderType] = await platform.db.query<{ id: string }>(
      `INSERT INTO event_types (tenant_id, key, name) VALUES ($1, 'order.created', 'Order created') RETURNING id`,
      [owner.id],
    );
    const a = await platform.registerWebhook(owner, { user_id: 1, url: receiver.url('/f-a') });
    const b = await platform.registerWebhook(owner, { user_id: 2, url: receiver.url('/f-b') });
    const c = await platform.registerWebhook(owner, { user_id: 1, url: receiver.url('/f-c'), event_type_id: orderType.id });
    const foreign = await platform.registerWebhook(stranger, { user_id: 1, url: receiver.url('/f-foreign') });
    expect((await platform.request('POST', `/v1/webhooks/${b.id}/disable`, { token: owner.apiKey })).status).toBe(200);

    const ids = async (query: string) => {
      const response = await platform.request('GET', `/v1/webhooks${query}`, { token: owner.apiKey });
      expect(response.status).toBe(200);
      return response.body.data.items.map((item: any) => item.id).sort();
    };
    expect(await ids('')).toEqual([a.id, b.id, c.id].sort());
    expect(await ids('?user_id=1')).toEqual([a.id, c.id].sort());
    expect(await ids(`?event_type_id=${orderType.id}`)).toEqual([c.id]);
    expect(await ids('?status=disabled')).toEqual([b.id]);
    expect(await ids('?status=enabled&user_id=1')).toEqual([a.id, c.id].sort());
    expect(await ids('?status=enabled&user_id=2')).toEqual([]);
    for (const bad of ['?status=paused', '?user_id=zero', `?event_type_id=nope`]) {
      expect((await platform.request('GET', `/v1/webhooks${bad}`, { token: owner.apiKey })).status).toBe(422);
    }

    // A foreign id answers exactly like a missing one on every lifecycle route, and nothing changes.
    for (const [method, path, body] of [
      ['GET', `/v1/webhooks/${foreign.id}`],
      ['PATCH', `/v1/webhooks/${foreign.id}`, { user_id: 9 }],
      ['POST', `/v1/webhooks/${foreign.id}/rotate-secret`],
      ['GET', `/v1/webhooks/${foreign.id}/secret`],
      ['POST', `/v1/webhooks/${foreign.id}/disable`],
      ['POST', `/v1/webhooks/${foreign.id}/enable`],
      ['DELETE', `/v1/webhooks/${foreign.id}`],
      ['GET', `/v1/webhooks/not-a-uuid/secret`],
      ['POST', `/v1/webhooks/not-a-uuid/rotate-secret`],
    ] as Array<[string, string, unknown?]>) {
      const response = await platform.request(method, path, { token: owner.apiKey, body });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }
    expect(await webhookOf(platform, stranger, foreign.id)).toMatchObject({ status: 'enabled', user_id: 1 });
    const secret = await platform.request('GET', `/v1/webhooks/${foreign.id}/secret`, { token: stranger.apiKey });
    expect(secret.body.data.secret).toBe(foreign.secret);
  });
});

describe('lifecycle: the previous secret stops signing when the grace ends', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start({ SECRET_ROTATION_GRACE: '1s' });
    tenant = await platform.createTenant('grace');
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('signs with the new secret only after SECRET_ROTATION_GRACE', async () => {
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/grace') });
    const rotated = await platform.request('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, { token: tenant.apiKey });
    expect(rotated.status).toBe(200);
    const expiresAt = Date.parse(rotated.body.data.previous_secret_expires_at);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 1500);

    // Bounded wait until the grace has passed.
    await sleep(Math.min(2000, Math.max(0, expiresAt - Date.now()) + 250));
    await uploadOk(platform, tenant, webhook.id);
    const [received] = await receiver.waitFor('/grace', 1);
    expect(signatures(received)).toHaveLength(1);
    expect(() => verifySignature(received, rotated.body.data.secret)).not.toThrow();
    expect(() => verifySignature(received, webhook.secret)).toThrow();
  });
});

describe('lifecycle: failure threshold, re-enable, timeouts (DISABLE_AFTER_FAILURES=2, RETRY_SCHEDULE=100ms)', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start({ DISABLE_AFTER_FAILURES: '2', RETRY_SCHEDULE: '100ms', DELIVERY_TIMEOUT_MS: '300' });
    tenant = await platform.createTenant('threshold');
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('disables after 2 failed deliveries with reason and time; enable re-opens it and the next upload is delivered', async () => {
    receiver.statuses('/always-500', [], 500);
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/always-500') });

    const first = await uploadOk(platform, tenant, webhook.id);
    const failed = await platform.waitForDelivery(tenant, first.delivery_id, 'failed');
    expect(failed.attempts.map((attempt: any) => attempt.status_code)).toEqual([500, 500]);
    expect(await webhookOf(platform, tenant, webhook.id)).toMatchObject({ status: 'enabled', consecutive_failures: 1, disabled_reason: null });

    const second = await uploadOk(platform, tenant, webhook.id);
    await platform.waitForDelivery(tenant, second.delivery_id, 'failed');
    const disabled = await webhookOf(platform, tenant, webhook.id);
    expect(disabled).toMatchObject({ status: 'disabled', consecutive_failures: 2, disabled_reason: expect.stringMatching(/2 consecutive failed deliveries/) });
    expect(new Date(disabled.disabled_at).toISOString()).toBe(disabled.disabled_at);
    const logs = await platform.request('GET', `/v1/error-logs?delivery_id=${second.delivery_id}`, { token: tenant.apiKey });
    expect(logs.body.data.items[0].detail).toMatchObject({ webhook_disabled: true });

    expect((await platform.upload(tenant, webhook.id)).status).toBe(409);
    expect(receiver.received('/always-500')).toHaveLength(4);

    receiver.statuses('/always-500', [], 200);
    const enabled = await platform.request('POST', `/v1/webhooks/${webhook.id}/enable`, { token: tenant.apiKey });
    expect(enabled.status).toBe(200);
    expect(enabled.body.data).toMatchObject({ status: 'enabled', consecutive_failures: 0, disabled_reason: null, disabled_at: null });

    const third = await uploadOk(platform, tenant, webhook.id);
    await platform.waitForDelivery(tenant, third.delivery_id, 'succeeded');
    const [, , , , delivered] = await receiver.waitFor('/always-500', 5);
    expect(() => verifySignature(delivered, webhook.secret)).not.toThrow();
  });

  it('resets the consecutive failure count on any success', async () => {
    receiver.statuses('/flaky', [500, 500], 200);
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/flaky') });

    await platform.waitForDelivery(tenant, (await uploadOk(platform, tenant, webhook.id)).delivery_id, 'failed');
    expect(await webhookOf(platform, tenant, webhook.id)).toMatchObject({ consecutive_failures: 1 });

    await platform.waitForDelivery(tenant, (await uploadOk(platform, tenant, webhook.id)).delivery_id, 'succeeded');
    expect(await webhookOf(platform, tenant, webhook.id)).toMatchObject({ status: 'enabled', consecutive_failures: 0 });
  });

  it('times out a slow receiver and records a clear error', async () => {
    receiver.on('/slow', (_request, _index, response) => {
      const timer = setTimeout(() => response.end('too late'), 2000);
      response.on('close', () => clearTimeout(timer));
    });
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/slow') });
    const delivery = await platform.waitForDelivery(tenant, (await uploadOk(platform, tenant, webhook.id)).delivery_id, 'failed');
    expect(delivery.attempts).toHaveLength(2);
    for (const attempt of delivery.attempts) {
      expect(attempt).toMatchObject({ status_code: null, error: 'timed out after 300 ms', response_excerpt: null });
      expect(attempt.duration_ms).toBeLessThan(2000);
    }
    expect(delivery.last_error).toBe('timed out after 300 ms');
  });
});
