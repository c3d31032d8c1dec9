import { ChildApp, freePort, waitUntil } from './faults/support/child-app';
import { FaultStack, Tenant } from './faults/support/fault-stack';
import { Sample, sampleValue, scrape } from './support/prometheus';
import { Receiver } from './support/receiver';

const HEADER_SECRETS = { authorization: 'Bearer custom-header-credential-7781', apiToken: 'custom-api-token-3319' };

type Line = Record<string, any>;

/** The JSON lines a process printed (anything else it printed is left out here, and checked for secrets separately). */
function jsonLines(app: ChildApp): Line[] {
  return app.output.flatMap((line) => {
    try {
      const parsed = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null ? [parsed as Line] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Metrics, JSON logs with request ids, and redaction, on the real built API and worker (child processes, stdout
 * captured): `npm run build` first (npm test does it).
 */
describe('observability: metrics, request ids in logs, redaction', () => {
  let stack: FaultStack;
  let api: ChildApp;
  let worker: ChildApp;
  let receiver: Receiver;
  let tenant: Tenant;
  let workerMetrics: string;
  let okHook: { id: string; secret: string };
  let failHook: { id: string; secret: string };

  beforeAll(async () => {
    receiver = await new Receiver().start();
    receiver.statuses('/obs/fail', [], 500);
    const metricsPort = await freePort();
    workerMetrics = `http://127.0.0.1:${metricsPort}`;
    stack = await FaultStack.create({
      env: { RETRY_SCHEDULE: '200ms,200ms', WORKER_METRICS_PORT: String(metricsPort) },
    });
    // The API at debug, its most talkative; the worker logs at info (ChildApp.worker).
    api = await stack.startApi('api', { LOG_LEVEL: 'debug' });
    worker = await stack.startWorker('worker');
    tenant = await stack.createTenant('observed');
    okHook = await register('/obs/ok');
    failHook = await register('/obs/fail');
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  async function call(method: string, path: string, options: { requestId?: string; body?: unknown; form?: FormData } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${tenant.apiKey}` };
    if (options.requestId) headers['x-request-id'] = options.requestId;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(api.baseUrl + path, {
      method,
      headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : options.form,
      signal: AbortSignal.timeout(15_000),
    });
  }

  async function register(path: string): Promise<{ id: string; secret: string }> {
    const types = (await (await call('GET', '/event_type')).json()) as any;
    const fileUploaded = types.data.find((type: { key: string }) => type.key === 'file.uploaded').id;
    const response = await call('POST', '/webhook/register', {
      body: {
        event_type_id: fileUploaded,
        user_id: 1,
        url: receiver.url(path),
        custom_headers: { Authorization: HEADER_SECRETS.authorization, 'X-Api-Token': HEADER_SECRETS.apiToken },
      },
    });
    if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as any).data;
  }

  async function upload(webhookId: string, requestId: string): Promise<{ deliveryId: string; echoed: string | null }> {
    const form = new FormData();
    form.append('file', new Blob([requestId], { type: 'text/plain' }), `${requestId}.txt`);
    const response = await call('POST', `/upload_file/webhook_id/${webhookId}`, { requestId, form });
    if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
    return { deliveryId: ((await response.json()) as any).data.delivery_id, echoed: response.headers.get('x-request-id') };
  }

  const deliveryIds = new Map<string, string>();

  it('moves the worker and API metrics by exactly what happened, with no URL or id in any label', async () => {
    const apiBefore = await scrape(`${api.baseUrl}/metrics`);
    const workerBefore = await scrape(`${workerMetrics}/metrics`);

    for (const requestId of ['obs-upload-1', 'obs-upload-2', 'obs-upload-3']) deliveryIds.set(requestId, (await upload(okHook.id, requestId)).deliveryId);
    deliveryIds.set('obs-upload-fail', (await upload(failHook.id, 'obs-upload-fail')).deliveryId);
    await receiver.waitFor('/obs/ok', 3);
    await receiver.waitFor('/obs/fail', 3);

    const worked = (samples: Sample[], name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels) - sampleValue(workerBefore, name, labels);
    // The last failed attempt is recorded (and counted) just after the receiver answered it.
    const workerAfter = await waitUntil(
      'the worker to count the finished deliveries',
      async () => {
        const samples = await scrape(`${workerMetrics}/metrics`);
        return worked(samples, 'hookline_deliveries_total') === 4 && samples;
      },
      10_000,
    );
    const apiAfter = await scrape(`${api.baseUrl}/metrics`);

    // Three succeeded at once; one failed three times (two retries, then for good) against HTTP 500.
    expect({
      succeeded2xx: worked(workerAfter, 'hookline_delivery_attempts_total', { outcome: 'succeeded', status_class: '2xx' }),
      retry5xx: worked(workerAfter, 'hookline_delivery_attempts_total', { outcome: 'retry', status_class: '5xx' }),
      failed5xx: worked(workerAfter, 'hookline_delivery_attempts_total', { outcome: 'failed', status_class: '5xx' }),
      attempts: worked(workerAfter, 'hookline_delivery_attempts_total'),
      durations2xx: worked(workerAfter, 'hookline_delivery_attempt_duration_seconds_count', { status_class: '2xx' }),
      durations5xx: worked(workerAfter, 'hookline_delivery_attempt_duration_seconds_count', { status_class: '5xx' }),
      endToEnd: worked(workerAfter, 'hookline_delivery_end_to_end_seconds_count'),
      finishedSucceeded: worked(workerAfter, 'hookline_deliveries_total', { outcome: 'succeeded' }),
      finishedFailed: worked(workerAfter, 'hookline_deliveries_total', { outcome: 'failed' }),
    }).toEqual({ succeeded2xx: 3, retry5xx: 2, failed5xx: 1, attempts: 6, durations2xx: 3, durations5xx: 3, endToEnd: 3, finishedSucceeded: 3, finishedFailed: 1 });

    const uploadRoutes = [...new Set(apiAfter.filter((sample) => sample.name === 'hookline_http_requests_total' && /upload_file/.test(sample.labels.route ?? '')).map((sample) => sample.labels.route))];
    expect(uploadRoutes).toEqual(['/upload_file/webhook_id/:webhook_id']);
    const route = { method: 'POST', route: uploadRoutes[0], status_class: '2xx' };
    expect(sampleValue(apiAfter, 'hookline_http_requests_total', route) - sampleValue(apiBefore, 'hookline_http_requests_total', route)).toBe(4);

    // The platform gauges, on both.
    for (const samples of [apiAfter, workerAfter]) {
      expect(samples.filter((sample) => sample.name === 'hookline_queue_jobs').map((sample) => sample.labels.state).sort()).toEqual(['active', 'delayed', 'failed', 'waiting']);
      expect(samples.some((sample) => sample.name === 'hookline_outbox_backlog')).toBe(true);
      expect(sampleValue(samples, 'hookline_webhooks_disabled')).toBe(0);
    }
    expect(new Set(workerAfter.map((sample) => sample.labels.app))).toEqual(new Set(['worker']));

    // Bounded label values only: never a URL, a host, a tenant's or a webhook's id, a delivery's id.
    const forbidden = ['http://', '127.0.0.1', '/obs/', tenant.id, okHook.id, failHook.id, ...deliveryIds.values()];
    for (const sample of [...apiAfter, ...workerAfter]) {
      for (const value of Object.values(sample.labels)) {
        for (const bad of forbidden) expect({ series: sample.name, value, contains: value.includes(bad) ? bad : null }).toEqual({ series: sample.name, value, contains: null });
      }
    }
  });

  it("follows one request id from the API's log line to the worker's attempt line for the same delivery", async () => {
    const { deliveryId, echoed } = await upload(okHook.id, 'obs-follow-me');
    expect(echoed).toBe('obs-follow-me');

    const apiLine = await waitUntil('the API log line', () => jsonLines(api).find((line) => line.req?.id === 'obs-follow-me'), 10_000);
    expect(apiLine).toMatchObject({ app: 'api', level: 'info', req: { method: 'POST', url: `/upload_file/webhook_id/${okHook.id}` }, res: { statusCode: 200 } });
    const attemptLine = await waitUntil('the worker attempt line', () => jsonLines(worker).find((line) => line.request_id === 'obs-follow-me'), 10_000);
    expect(attemptLine).toMatchObject({
      app: 'worker',
      level: 'info',
      msg: 'Delivery attempt',
      delivery_id: deliveryId,
      request_id: 'obs-follow-me',
      attempt: 1,
      outcome: 'succeeded',
      status_code: 200,
      duration_ms: expect.any(Number),
    });

    // A failing delivery: one line per attempt, every one carrying its request id; the last one says it is over.
    const failLines = jsonLines(worker).filter((line) => line.request_id === 'obs-upload-fail');
    expect(failLines.map((line) => [line.delivery_id, line.attempt, line.outcome, line.status_code, line.level])).toEqual([
      [deliveryIds.get('obs-upload-fail'), 1, 'retry', 500, 'info'],
      [deliveryIds.get('obs-upload-fail'), 2, 'retry', 500, 'info'],
      [deliveryIds.get('obs-upload-fail'), 3, 'failed', 500, 'warn'],
    ]);
  });

  it('carries the request id of POST /v1/events into the attempt of each delivery it fans out to', async () => {
    const created = await call('POST', '/v1/event-types', { body: { key: 'order.created' } });
    expect(created.status).toBe(201);
    const typeId = ((await created.json()) as any).data.id;
    const subscribed = await call('POST', '/webhook/register', { body: { event_type_id: typeId, user_id: 1, url: receiver.url('/obs/orders') } });
    expect(subscribed.status).toBe(201);

    const published = await call('POST', '/v1/events', { requestId: 'obs-publish-1', body: { event_type: 'order.created', data: { order_id: 'o-1' } } });
    expect(published.status).toBe(202);
    expect(published.headers.get('x-request-id')).toBe('obs-publish-1');
    await receiver.waitFor('/obs/orders', 1);
    const line = await waitUntil('the worker attempt line', () => jsonLines(worker).find((candidate) => candidate.request_id === 'obs-publish-1'), 10_000);
    expect(line).toMatchObject({ msg: 'Delivery attempt', outcome: 'succeeded', status_code: 200, attempt: 1 });
    expect(jsonLines(api).some((candidate) => candidate.req?.id === 'obs-publish-1' && candidate.req?.url === '/v1/events')).toBe(true);
  });

  it('never prints the API key, a webhook secret or a custom header value, in either process', async () => {
    // Every line of both, JSON or not: the API key went in on every request above, the secrets and header values in registrations.
    const everything = [...api.output, ...worker.output].join('\n');
    expect(api.output.length).toBeGreaterThan(5);
    expect(worker.output.length).toBeGreaterThan(5);
    for (const secret of [tenant.apiKey, okHook.secret, failHook.secret, HEADER_SECRETS.authorization, HEADER_SECRETS.apiToken, 'custom-header-credential']) {
      expect({ secret, printed: everything.includes(secret) }).toEqual({ secret, printed: false });
    }
    // The worker's lines are all JSON; so is every request line of the API.
    const workerJson = jsonLines(worker);
    expect(workerJson.length).toBe(worker.output.length);
    expect(workerJson.every((line) => line.app === 'worker' && typeof line.level === 'string' && typeof line.time === 'string')).toBe(true);
    expect(jsonLines(api).filter((line) => line.req).length).toBeGreaterThanOrEqual(8);
  });

  it("answers the worker's /health", async () => {
    const response = await fetch(`${workerMetrics}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${workerMetrics}/nothing`)).status).toBe(404);
  });
});
