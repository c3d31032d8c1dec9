import { freePort, waitUntil } from './faults/support/child-app';
import { Platform, Tenant } from './support/platform';
import { sampleValue, scrape } from './support/prometheus';
import { ReceivedRequest, Receiver, verifySignature } from './support/receiver';

const DEAD_HEADER_VALUE = 'custom-header-secret-0451';

interface Envelope {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, any>;
}

const parse = (request: ReceivedRequest): Envelope => JSON.parse(request.body);

/**
 * Operational events (webhook.disabled, delivery.failing, delivery.exhausted, webhook.recovered) delivered to the webhooks
 * a tenant subscribed to them, and auto-recovery: the probe, re-enabling, and the replay of what was missed.
 * Five attempts 100 ms apart, disabled after 2 failed deliveries, probed every second, one job at a time (so a replay
 * arrives in the order it was queued).
 */
describe('operational events and auto-recovery', () => {
  let platform: Platform;
  let receiver: Receiver;
  let metricsPort: number;
  const healthy = new Set<string>();

  beforeAll(async () => {
    receiver = await new Receiver().start();
    metricsPort = await freePort();
    platform = await Platform.start({
      RETRY_SCHEDULE: '100ms,100ms,100ms,100ms',
      DISABLE_AFTER_FAILURES: '2',
      RECOVERY_PROBE_INTERVAL: '1s',
      WORKER_CONCURRENCY: '1',
      WORKER_METRICS_PORT: String(metricsPort),
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  /** Every path answers 500 until it is marked healthy. */
  function failing(path: string): string {
    receiver.on(path, (_request, _index, response) => {
      response.statusCode = healthy.has(path) ? 200 : 500;
      response.end();
    });
    return receiver.url(path);
  }

  async function typeId(tenant: Tenant, key: string): Promise<string> {
    const types = await platform.request<Array<{ id: string; key: string }>>('GET', '/event_type', { token: tenant.apiKey });
    const type = types.body.data.find((candidate) => candidate.key === key);
    if (!type) throw new Error(`no event type ${key}: ${JSON.stringify(types.body)}`);
    return type.id;
  }

  async function subscribe(tenant: Tenant, key: string, url: string): Promise<{ id: string; secret: string }> {
    return platform.registerWebhook(tenant, { event_type_id: await typeId(tenant, key), url });
  }

  async function upload(tenant: Tenant, webhookId: string, name: string): Promise<string> {
    const response = await platform.upload(tenant, webhookId, name, `${name}.txt`);
    if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.data.delivery_id;
  }

  async function eventCounts(tenant: Tenant): Promise<Record<string, number>> {
    const rows = await platform.db.query<{ key: string; n: number }>(
      `SELECT et.key, count(*)::int AS n FROM events e JOIN event_types et ON et.id = e.event_type_id WHERE e.tenant_id = $1 GROUP BY et.key`,
      [tenant.id],
    );
    return Object.fromEntries(rows.map((row) => [row.key, row.n]));
  }

  async function webhook(tenant: Tenant, id: string): Promise<any> {
    return (await platform.request('GET', `/v1/webhooks/${id}`, { token: tenant.apiKey })).body.data;
  }

  describe('a dying endpoint', () => {
    let acme: Tenant;
    let dead: { id: string; secret: string };
    let ops: Record<string, { id: string; secret: string }>;
    const deliveries: string[] = [];

    beforeAll(async () => {
      acme = await platform.createTenant('acme');
      const globex = await platform.createTenant('globex');
      dead = await platform.registerWebhook(acme, { url: failing('/acme/dead'), custom_headers: { 'X-Custom-Token': DEAD_HEADER_VALUE } });
      ops = {};
      for (const key of ['delivery.failing', 'delivery.exhausted', 'webhook.disabled']) ops[key] = await subscribe(acme, key, receiver.url(`/acme/ops/${key}`));
      // Another tenant's subscription hears nothing about acme.
      await subscribe(globex, 'delivery.failing', receiver.url('/globex/ops/delivery.failing'));
    });

    it('raises delivery.failing at the 4th failed attempt and delivery.exhausted when the retries run out, once each', async () => {
      deliveries.push(await upload(acme, dead.id, 'first'));
      const [exhausted] = await receiver.waitFor('/acme/ops/delivery.exhausted', 1);
      // The 5th attempt checked for delivery.failing before it raised delivery.exhausted: one failing, never two.
      const failingEvents = receiver.received('/acme/ops/delivery.failing');
      expect(failingEvents).toHaveLength(1);

      const base = {
        delivery_id: deliveries[0],
        event_type: 'file.uploaded',
        webhook_id: dead.id,
        url_host: `127.0.0.1:${receiver.port}`,
        last_status_code: 500,
      };
      expect(verifySignature(failingEvents[0], ops['delivery.failing'].secret)).toMatchObject({ type: 'delivery.failing' });
      expect(parse(failingEvents[0]).data).toEqual({ ...base, event_id: expect.any(String), attempts: 4, status: 'queued', next_attempt_at: expect.any(String) });
      expect(verifySignature(exhausted, ops['delivery.exhausted'].secret)).toMatchObject({ type: 'delivery.exhausted' });
      expect(parse(exhausted).data).toEqual({ ...base, event_id: parse(failingEvents[0]).data.event_id, attempts: 5, reason: 'exhausted' });
      // An event like any other: in the events table, its deliveries in the deliveries API.
      expect(parse(exhausted).id).toBe((await platform.db.query<{ id: string }>(`SELECT e.id FROM events e JOIN deliveries d ON d.event_id = e.id WHERE d.id = $1`, [exhausted.headers['webhook-id']]))[0].id);

      for (const request of [...failingEvents, exhausted]) {
        expect(request.body).not.toContain('/acme/dead');
        expect(request.body).not.toContain(DEAD_HEADER_VALUE);
        expect(request.body).not.toContain(dead.secret);
      }
      expect(receiver.received('/globex/ops/delivery.failing')).toEqual([]);
      expect(await eventCounts(acme)).toEqual({ 'file.uploaded': 1, 'delivery.failing': 1, 'delivery.exhausted': 1 });
    });

    it('raises webhook.disabled when the failure threshold disables the webhook', async () => {
      deliveries.push(await upload(acme, dead.id, 'second'));
      const [disabled] = await receiver.waitFor('/acme/ops/webhook.disabled', 1);
      expect(verifySignature(disabled, ops['webhook.disabled'].secret)).toMatchObject({ type: 'webhook.disabled' });
      expect(parse(disabled).data).toEqual({
        webhook_id: dead.id,
        user_id: 1,
        event_type_id: await typeId(acme, 'file.uploaded'),
        url_host: `127.0.0.1:${receiver.port}`,
        reason: 'failure threshold reached: 2 consecutive failed deliveries',
        disabled_at: (await webhook(acme, dead.id)).disabled_at,
        consecutive_failures: 2,
        delivery_id: deliveries[1],
      });
      expect(disabled.body).not.toContain(DEAD_HEADER_VALUE);
      await receiver.waitFor('/acme/ops/delivery.exhausted', 2);
      expect(receiver.received('/acme/ops/delivery.failing')).toHaveLength(2);
      expect(receiver.received('/acme/ops/webhook.disabled')).toHaveLength(1);
    });
  });

  it('never raises an operational event about a delivery of an operational event', async () => {
    const umbrella = await platform.createTenant('umbrella');
    const dead = await platform.registerWebhook(umbrella, { url: failing('/umbrella/dead') });
    await subscribe(umbrella, 'delivery.exhausted', failing('/umbrella/ops/exhausted'));
    await subscribe(umbrella, 'delivery.failing', failing('/umbrella/ops/failing'));
    await upload(umbrella, dead.id, 'loop');

    // Both operational deliveries fail all five attempts against their own dead endpoints, then end.
    await receiver.waitFor('/umbrella/ops/exhausted', 5);
    await receiver.waitFor('/umbrella/ops/failing', 5);
    await waitUntil(
      'every umbrella delivery to end',
      async () => (await platform.db.query(`SELECT 1 FROM deliveries WHERE tenant_id = $1 AND status NOT IN ('succeeded', 'failed')`, [umbrella.id])).length === 0,
      20_000,
    );
    // Settle: anything raised by those last failures would be queued by now (one job at a time, 100 ms steps).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await eventCounts(umbrella)).toEqual({ 'file.uploaded': 1, 'delivery.failing': 1, 'delivery.exhausted': 1 });
    expect(receiver.received('/umbrella/ops/exhausted')).toHaveLength(5);
    expect(receiver.received('/umbrella/ops/failing')).toHaveLength(5);

    // Positive control: the same failure of a tenant delivery, now, is raised; still nothing about the operational ones.
    await upload(umbrella, dead.id, 'control');
    await receiver.waitFor('/umbrella/ops/exhausted', 10);
    await waitUntil(
      'every umbrella delivery to end again',
      async () => (await platform.db.query(`SELECT 1 FROM deliveries WHERE tenant_id = $1 AND status NOT IN ('succeeded', 'failed')`, [umbrella.id])).length === 0,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await eventCounts(umbrella)).toEqual({ 'file.uploaded': 2, 'delivery.failing': 2, 'delivery.exhausted': 2 });
  });

  describe('auto-recovery', () => {
    let initech: Tenant;
    let flaky: { id: string; secret: string };
    let recoveredHook: { id: string; secret: string };
    let missed: string[] = [];
    let all: string[] = [];

    beforeAll(async () => {
      initech = await platform.createTenant('initech');
      flaky = await platform.registerWebhook(initech, { url: failing('/initech/flaky'), custom_headers: { 'X-Custom-Token': DEAD_HEADER_VALUE } });
      recoveredHook = await subscribe(initech, 'webhook.recovered', receiver.url('/initech/ops/recovered'));
    });

    it('probes a webhook the platform disabled with a signed webhook.probe, and leaves it disabled while the probe fails', async () => {
      for (let index = 0; index < 6; index++) all.push(await upload(initech, flaky.id, `missed-${index}`));
      await waitUntil('the flaky webhook to be disabled', async () => (await webhook(initech, flaky.id)).status === 'disabled', 20_000);
      await waitUntil(
        'all six deliveries to end failed',
        async () => (await platform.db.query(`SELECT 1 FROM deliveries WHERE webhook_id = $1 AND status = 'failed'`, [flaky.id])).length === 6,
        20_000,
      );
      // What it missed: the delivery that tipped it over and those failed `endpoint_disabled` while it was off.
      const rows = await platform.db.query<{ id: string; failure_reason: string }>(
        `SELECT d.id, d.failure_reason FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE d.webhook_id = $1 AND d.status = 'failed' AND d.completed_at >= w.disabled_at ORDER BY d.created_at`,
        [flaky.id],
      );
      missed = rows.map((row) => row.id);
      expect(rows.map((row) => row.failure_reason)).toContain('endpoint_disabled');
      expect(missed.length).toBeGreaterThanOrEqual(2);

      const probe = await waitUntil('a probe', () => receiver.received('/initech/flaky').find((request) => parse(request).type === 'webhook.probe'), 10_000);
      expect(verifySignature(probe, flaky.secret)).toMatchObject({ type: 'webhook.probe', data: { webhook_id: flaky.id } });
      expect(parse(probe)).toEqual({ id: probe.headers['webhook-id'], type: 'webhook.probe', timestamp: expect.any(String), data: { webhook_id: flaky.id } });
      expect(all).not.toContain(probe.headers['webhook-id']);
      expect(probe.headers['x-custom-token']).toBe(DEAD_HEADER_VALUE);
      // Answered 500: still disabled, its probe time recorded.
      await waitUntil(
        'the probe to be recorded',
        async () => (await platform.db.query(`SELECT 1 FROM webhooks WHERE id = $1 AND last_probe_at IS NOT NULL`, [flaky.id])).length === 1,
        5000,
      );
      expect(await webhook(initech, flaky.id)).toMatchObject({ status: 'disabled' });
    });

    it('re-enables it on the first 2xx, raises webhook.recovered and replays what it missed in order of creation', async () => {
      const mark = receiver.received('/initech/flaky').length;
      healthy.add('/initech/flaky');
      const [recovered] = await receiver.waitFor('/initech/ops/recovered', 1, 10_000);
      expect(verifySignature(recovered, recoveredHook.secret)).toMatchObject({ type: 'webhook.recovered' });
      expect(parse(recovered).data).toEqual({
        webhook_id: flaky.id,
        user_id: 1,
        event_type_id: await typeId(initech, 'file.uploaded'),
        url_host: `127.0.0.1:${receiver.port}`,
        disabled_reason: 'failure threshold reached: 2 consecutive failed deliveries',
        disabled_at: expect.any(String),
        recovered_at: expect.any(String),
        probe_status_code: 200,
        replayed_deliveries: missed.length,
      });
      expect(await webhook(initech, flaky.id)).toMatchObject({ status: 'enabled', consecutive_failures: 0, disabled_reason: null, disabled_at: null });

      // Every delivery had ended, so what reaches the endpoint after it came back is the probe and the replay.
      const replayed = await waitUntil(
        'the replay',
        () => {
          const after = receiver.received('/initech/flaky').slice(mark).filter((request) => parse(request).type === 'file.uploaded');
          return after.length >= missed.length && after;
        },
        20_000,
      );
      expect(replayed.map((request) => request.headers['webhook-id'])).toEqual(missed);
      for (const id of missed) await platform.waitForDelivery(initech, id, 'succeeded');
      // Failed before the disable, so not missed while disabled: left as it was (POST /v1/webhooks/{id}/recover is there for it).
      for (const id of all.filter((candidate) => !missed.includes(candidate))) {
        expect((await platform.request('GET', `/v1/deliveries/${id}`, { token: initech.apiKey })).body.data.status).toBe('failed');
      }
    });

    it('never probes a webhook its tenant disabled', async () => {
      // Positive control: one the platform disables at the same time is probed within the same wait.
      const control = await platform.registerWebhook(initech, { url: failing('/initech/control') });
      await upload(initech, control.id, 'control-1');
      await upload(initech, control.id, 'control-2');
      const manual = await platform.registerWebhook(initech, { url: receiver.url('/initech/manual') });
      expect((await platform.request('POST', `/v1/webhooks/${manual.id}/disable`, { token: initech.apiKey })).status).toBe(200);
      await waitUntil('the control webhook to be disabled by the platform', async () => (await webhook(initech, control.id)).status === 'disabled', 20_000);
      // Two and a half probe intervals.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const probed = receiver.received('/initech/control').filter((request) => parse(request).type === 'webhook.probe');
      expect(probed.length).toBeGreaterThan(0);
      expect(receiver.received('/initech/manual')).toEqual([]);
      expect(await platform.db.query(`SELECT disabled_by_tenant, last_probe_at FROM webhooks WHERE id = $1`, [manual.id])).toEqual([
        { disabled_by_tenant: true, last_probe_at: null },
      ]);
    });
  });

  it("counts probes and operational events on the worker's /metrics, and answers /health", async () => {
    const health = await fetch(`http://127.0.0.1:${metricsPort}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const samples = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    const value = (name: string, labels: Record<string, string>) => sampleValue(samples, name, { ...labels, app: 'worker' });
    expect(value('hookline_recovery_probes_total', { outcome: 'recovered' })).toBe(1);
    expect(value('hookline_recovery_probes_total', { outcome: 'failed' })).toBeGreaterThanOrEqual(1);
    // acme's two deliveries and umbrella's two; initech subscribed to none of these, so nothing was recorded for it.
    expect(value('hookline_operational_events_total', { type: 'delivery.failing' })).toBe(4);
    expect(value('hookline_operational_events_total', { type: 'delivery.exhausted' })).toBe(4);
    expect(value('hookline_operational_events_total', { type: 'webhook.disabled' })).toBe(1);
    expect(value('hookline_operational_events_total', { type: 'webhook.recovered' })).toBe(1);
  });
});
