import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Platform, Tenant } from './support/platform';
import { Receiver, verifySignature } from './support/receiver';

/** A port that was just free and is closed again: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Retries on RETRY_SCHEDULE=200ms,200ms (3 attempts in all), failure and the error log, through the real worker. */
describe('retries: failing receivers, exhausted deliveries and error logs', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    // A short timeout keeps the hanging-receiver case fast; 127.0.0.1 answers well within it otherwise.
    platform = await Platform.start({ DELIVERY_TIMEOUT_MS: '1500' });
    tenant = await platform.createTenant('retries');
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('retries a receiver that fails twice, then succeeds, with the same webhook-id and a fresh timestamp each time', async () => {
    receiver.statuses('/flaky', [500, 503]);
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/flaky') });
    const upload = await platform.upload(tenant, webhook.id);
    expect(upload.status).toBe(200);
    const deliveryId = upload.body.data.delivery_id;

    const requests = await receiver.waitFor('/flaky', 3);
    const delivery = await platform.waitForDelivery(tenant, deliveryId, 'succeeded');
    expect(requests).toHaveLength(3);
    expect(requests.map((request) => request.headers['webhook-id'])).toEqual([deliveryId, deliveryId, deliveryId]);

    const nowSeconds = Math.floor(Date.now() / 1000);
    const timestamps = requests.map((request) => Number(request.headers['webhook-timestamp']));
    for (const [index, request] of requests.entries()) {
      // Each attempt is signed anew, so every one verifies inside the library's 5-minute tolerance.
      expect(verifySignature(request, webhook.secret)).toMatchObject({ id: upload.body.data.event_id, type: 'file.uploaded' });
      expect(Math.abs(nowSeconds - timestamps[index])).toBeLessThan(60);
      if (index > 0) expect(timestamps[index]).toBeGreaterThanOrEqual(timestamps[index - 1]);
    }
    // The body is the same event every time; only the timestamp (and so the signature) changes.
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);

    expect(delivery.attempt_count).toBe(3);
    expect(delivery.failure_reason).toBeNull();
    expect(delivery.attempts.map((attempt: { attempt: number; status_code: number }) => [attempt.attempt, attempt.status_code])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    expect(delivery.attempts[0]).toMatchObject({ error: 'HTTP 500', response_excerpt: 'status 500' });
    expect(delivery.attempts[1]).toMatchObject({ error: 'HTTP 503', response_excerpt: 'status 503' });
    expect(delivery.attempts[2]).toMatchObject({ error: null, response_excerpt: 'status 200' });

    const logs = await platform.request('GET', `/v1/error-logs?delivery_id=${deliveryId}`, { token: tenant.apiKey });
    expect(logs.body.data.items).toEqual([]);
  });

  it('fails a delivery for good after the last attempt and writes exactly one error log', async () => {
    receiver.statuses('/down', [], 500);
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/down') });
    const upload = await platform.upload(tenant, webhook.id);
    const deliveryId = upload.body.data.delivery_id;

    const delivery = await platform.waitForDelivery(tenant, deliveryId, 'failed');
    expect(delivery).toMatchObject({ status: 'failed', failure_reason: 'exhausted', attempt_count: 3, last_status_code: 500, next_attempt_at: null });
    expect(delivery.completed_at).toEqual(expect.any(String));
    expect(delivery.attempts.map((attempt: { status_code: number }) => attempt.status_code)).toEqual([500, 500, 500]);
    expect(receiver.received('/down')).toHaveLength(3);

    const byDelivery = await platform.request('GET', `/v1/error-logs?delivery_id=${deliveryId}`, { token: tenant.apiKey });
    expect(byDelivery.status).toBe(200);
    expect(byDelivery.body.data.items).toHaveLength(1);
    const [log] = byDelivery.body.data.items;
    expect(log).toMatchObject({ webhook_id: webhook.id, delivery_id: deliveryId });
    expect(log.message).toMatch(/3 attempts/);
    expect(log.detail).toMatchObject({ attempts: 3, last_status_code: 500 });

    const byWebhook = await platform.request('GET', `/v1/error-logs?webhook_id=${webhook.id}`, { token: tenant.apiKey });
    expect(byWebhook.body.data.items.map((item: { id: string }) => item.id)).toEqual([log.id]);

    // Nothing more arrives after the delivery failed: no fourth attempt sneaks in, while a delivery made after it does.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const control = await platform.registerWebhook(tenant, { url: receiver.url('/down-control') });
    await platform.upload(tenant, control.id);
    await receiver.waitFor('/down-control', 1);
    expect(receiver.received('/down')).toHaveLength(3);
  });

  it('counts a refused connection as a failed attempt with an error text', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/nobody-home`;
    const webhook = await platform.registerWebhook(tenant, { url });
    const upload = await platform.upload(tenant, webhook.id);

    const delivery = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'failed');
    expect(delivery).toMatchObject({ failure_reason: 'exhausted', attempt_count: 3, last_status_code: null });
    expect(delivery.last_error).toEqual(expect.any(String));
    expect(delivery.attempts).toHaveLength(3);
    for (const attempt of delivery.attempts) {
      expect(attempt).toMatchObject({ status_code: null, response_excerpt: null, url });
      expect(attempt.error).toMatch(/ECONNREFUSED|refused/i);
    }
    const logs = await platform.request('GET', `/v1/error-logs?delivery_id=${delivery.id}`, { token: tenant.apiKey });
    expect(logs.body.data.items).toHaveLength(1);
    expect(logs.body.data.items[0].detail.last_error).toMatch(/ECONNREFUSED|refused/i);
  });

  it('keeps only the first 4096 characters of a large response body', async () => {
    const big = 'x'.repeat(3000) + 'y'.repeat(3000) + 'z'.repeat(100_000);
    receiver.on('/chatty', (_request, _index, response) => {
      response.statusCode = 200;
      response.end(big);
    });
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/chatty') });
    const upload = await platform.upload(tenant, webhook.id);

    const delivery = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'succeeded');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0].response_excerpt).toHaveLength(4096);
    expect(delivery.attempts[0].response_excerpt).toBe(big.slice(0, 4096));
  });

  it('counts a receiver that does not answer within DELIVERY_TIMEOUT_MS as a failed attempt', async () => {
    receiver.on('/slow', (_request, index, response) => {
      // The first request hangs past the timeout; the retry is answered at once.
      if (index === 0) {
        const timer = setTimeout(() => response.end('too late'), 5000);
        response.on('close', () => clearTimeout(timer));
        return;
      }
      response.end('ok');
    });
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/slow') });
    const upload = await platform.upload(tenant, webhook.id);

    const delivery = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'succeeded');
    expect(delivery.attempts).toHaveLength(2);
    expect(delivery.attempts[0]).toMatchObject({ status_code: null, response_excerpt: null, error: expect.stringMatching(/timed out/) });
    expect(delivery.attempts[1]).toMatchObject({ status_code: 200, error: null });
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    receiver.on('/moved', (_request, _index, response) => {
      response.writeHead(302, { location: receiver.url('/moved-target') });
      response.end();
    });
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/moved') });
    const upload = await platform.upload(tenant, webhook.id);

    const delivery = await platform.waitForDelivery(tenant, upload.body.data.delivery_id, 'failed');
    expect(delivery.attempts.map((attempt: { status_code: number }) => attempt.status_code)).toEqual([302, 302, 302]);
    expect(delivery.attempts[0].error).toMatch(/redirect/);
    expect(receiver.received('/moved-target')).toHaveLength(0);
  });

  it('honours a Retry-After on 503 that is longer than the schedule step', async () => {
    receiver.on('/busy', (_request, index, response) => {
      if (index === 0) {
        response.writeHead(503, { 'retry-after': '1' });
        response.end('busy');
        return;
      }
      response.end('ok');
    });
    const webhook = await platform.registerWebhook(tenant, { url: receiver.url('/busy') });
    const upload = await platform.upload(tenant, webhook.id);
    const deliveryId = upload.body.data.delivery_id;

    const delivery = await platform.waitForDelivery(tenant, deliveryId, 'succeeded');
    expect(delivery.attempts.map((attempt: { status_code: number }) => attempt.status_code)).toEqual([503, 200]);
    const [first, second] = receiver.received('/busy');
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    // The schedule says 200 ms; the receiver asked for 1 s. A lower bound only: the retry can never come sooner.
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
  });
});
