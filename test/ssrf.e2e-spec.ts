import { Platform, Tenant } from './support/platform';
import { Receiver } from './support/receiver';

/**
 * The address rules with ALLOW_PRIVATE_TARGETS=false, at registration, at PATCH and at send time. Only 127.0.0.1 is
 * ever connected to: every other target here is refused before a socket is opened.
 */

/** Every spelling of an internal target, with the reason the refusal must name. */
const PRIVATE_TARGETS: Array<[string, RegExp]> = [
  ['http://127.0.0.1/', /loopback address 127\.0\.0\.1/],
  ['http://2130706433/', /loopback address 127\.0\.0\.1/],
  ['http://0x7f000001/', /loopback address 127\.0\.0\.1/],
  ['http://0177.0.0.1/', /loopback address 127\.0\.0\.1/],
  ['http://127.1/', /loopback address 127\.0\.0\.1/],
  ['http://[::1]/', /loopback address ::1/],
  ['http://[::ffff:127.0.0.1]/', /loopback address 127\.0\.0\.1/],
  ['http://[64:ff9b::7f00:1]/', /loopback address 127\.0\.0\.1/],
  ['http://[2002:7f00:1::]/', /loopback address 127\.0\.0\.1/],
  ['http://0.0.0.0/', /unspecified address 0\.0\.0\.0/],
  ['http://[::]/', /unspecified address ::/],
  ['http://10.0.0.1/', /private address 10\.0\.0\.1/],
  ['http://172.16.0.1/', /private address 172\.16\.0\.1/],
  ['http://192.168.1.1/', /private address 192\.168\.1\.1/],
  ['http://169.254.169.254/latest/meta-data', /cloud metadata address 169\.254\.169\.254/],
  ['http://[fd00:ec2::254]/', /cloud metadata address fd00:ec2::254/],
  ['http://[fe80::1]/', /link-local address fe80::1/],
  ['http://100.64.0.1/', /carrier-grade NAT address 100\.64\.0\.1/],
  ['http://224.0.0.1/', /multicast address 224\.0\.0\.1/],
  ['http://255.255.255.255/', /broadcast address/],
  ['http://localhost/', /localhost name/],
  ['http://LOCALHOST./', /localhost name/],
  ['http://api.localhost/', /localhost name/],
  ['http://metadata.google.internal/', /cloud metadata name/],
];

function urlDetail(response: { status: number; body: { data: any } }): { status: number; code: string; url: string[] } {
  const details: Array<{ field: string; message: string }> = response.body.data?.details ?? [];
  return {
    status: response.status,
    code: response.body.data?.code,
    url: details.filter((detail) => detail.field === 'url').map((detail) => detail.message),
  };
}

describe('ssrf: ALLOW_PRIVATE_TARGETS=false refuses every private spelling', () => {
  let platform: Platform;
  let tenant: Tenant;

  beforeAll(async () => {
    // No worker: nothing here is ever sent.
    platform = await Platform.start({ ALLOW_PRIVATE_TARGETS: 'false' }, { worker: false });
    tenant = await platform.createTenant('ssrf');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it.each(PRIVATE_TARGETS)('refuses %s at registration (422, field url)', async (url, reason) => {
    const response = await platform.request('POST', '/webhook/register', {
      token: tenant.apiKey,
      body: { event_type_id: await platform.systemEventTypeId(tenant), user_id: 1, url },
    });
    expect(urlDetail(response)).toEqual({ status: 422, code: 'validation_failed', url: [expect.stringMatching(/^blocked: /)] });
    expect(urlDetail(response).url[0]).toMatch(reason);
  });

  it('refuses every private spelling at PATCH too, and keeps the stored URL', async () => {
    // A public literal: accepted without DNS, and never contacted (no worker, no upload).
    const webhook = await platform.registerWebhook(tenant, { url: 'http://93.184.215.14/hook' });
    for (const [url, reason] of PRIVATE_TARGETS) {
      const response = await platform.request('PATCH', `/v1/webhooks/${webhook.id}`, { token: tenant.apiKey, body: { url } });
      const { status, code, url: messages } = urlDetail(response);
      expect({ url, status, code, messages }).toEqual({ url, status: 422, code: 'validation_failed', messages: [expect.stringMatching(reason)] });
    }
    const stored = await platform.request('GET', `/v1/webhooks/${webhook.id}`, { token: tenant.apiKey });
    expect(stored.body.data.url).toBe('http://93.184.215.14/hook');

    const moved = await platform.request('PATCH', `/v1/webhooks/${webhook.id}`, { token: tenant.apiKey, body: { url: 'https://93.184.215.15/other' } });
    expect(moved.status).toBe(200);
    expect(moved.body.data.url).toBe('https://93.184.215.15/other');
  });

  it('has nothing stored for the refused registrations', async () => {
    const [row] = await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM webhooks WHERE url NOT LIKE 'http%://93.184.215.1%'`);
    expect(Number(row.n)).toBe(0);
  });
});

describe('ssrf: ALLOWED_PRIVATE_CIDRS opens one range, at registration and at send; anything else fails at send', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start({ ALLOW_PRIVATE_TARGETS: 'false', ALLOWED_PRIVATE_CIDRS: '127.0.0.1/32' });
    tenant = await platform.createTenant('cidrs');
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('accepts and delivers to the allowed address', async () => {
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/allowed') });
    const upload = await platform.upload(tenant, webhook.id);
    expect(upload.status).toBe(200);
    const delivery = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'succeeded');
    expect(delivery.attempts).toEqual([expect.objectContaining({ status_code: 200, error: null })]);
    expect(receiver.received('/allowed')).toHaveLength(1);
  });

  it('still refuses every other private target at registration and at PATCH', async () => {
    for (const [url, reason] of [
      [`http://127.0.0.2:${receiver.port}/x`, /loopback address 127\.0\.0\.2/],
      [`http://[::1]:${receiver.port}/x`, /loopback address ::1/],
      [`http://localhost:${receiver.port}/x`, /localhost name/],
      ['http://10.0.0.1/', /private address 10\.0\.0\.1/],
    ] as Array<[string, RegExp]>) {
      const registered = await platform.request('POST', '/webhook/register', {
        token: tenant.apiKey,
        body: { event_type_id: await platform.systemEventTypeId(tenant), user_id: 1, url },
      });
      expect({ url, status: registered.status, messages: urlDetail(registered).url }).toEqual({ url, status: 422, messages: [expect.stringMatching(reason)] });
    }
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/patch-me') });
    const refused = await platform.request('PATCH', `/v1/webhooks/${webhook.id}`, { token: tenant.apiKey, body: { url: `http://127.0.0.2:${receiver.port}/x` } });
    expect(urlDetail(refused)).toEqual({ status: 422, code: 'validation_failed', url: [expect.stringMatching(/loopback address 127\.0\.0\.2/)] });
    const allowed = await platform.request('PATCH', `/v1/webhooks/${webhook.id}`, { token: tenant.apiKey, body: { url: receiver.url('/patched') } });
    expect(allowed.status).toBe(200);
  });

  it.each([
    ['a loopback address outside the allowed range', (port: number) => `http://127.0.0.2:${port}/stored`, /^blocked: loopback address 127\.0\.0\.2/],
    ['an IPv4-mapped spelling of it', (port: number) => `http://[::ffff:127.0.0.2]:${port}/stored`, /^blocked: loopback address 127\.0\.0\.2/],
    ['a localhost name', (port: number) => `http://localhost:${port}/stored`, /^blocked: localhost is a localhost name/],
  ])('fails at send time a webhook stored earlier with %s, without connecting', async (_label, target, reason) => {
    // As if stored before the policy changed: registered on an allowed URL, then rewritten underneath the API.
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/stored') });
    await platform.db.query(`UPDATE webhooks SET url = $2 WHERE id = $1`, [webhook.id, target(receiver.port)]);

    const upload = await platform.upload(tenant, webhook.id);
    expect(upload.status).toBe(200);
    const delivery = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'failed');
    expect(delivery.attempts.length).toBeGreaterThanOrEqual(1);
    for (const attempt of delivery.attempts) {
      expect(attempt).toMatchObject({ status_code: null, response_excerpt: null, error: expect.stringMatching(reason) });
    }
    const logs = await platform.request('GET', `/v1/error-logs?delivery_id=${delivery.id}`, { token: tenant.apiKey });
    expect(logs.body.data.items).toEqual([expect.objectContaining({ detail: expect.objectContaining({ last_error: expect.stringMatching(reason) }) })]);
    expect(receiver.received('/stored')).toHaveLength(0);
  });
});
