import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; labels never carry tenant-chosen strings (no URLs, no tenant ids). */
export function createRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function statusClass(statusCode: number | null): string {
  return statusCode === null ? 'none' : `${Math.floor(statusCode / 100)}xx`;
}

/** The worker's delivery metrics. */
export class DeliveryMetrics {
  readonly attempts: Counter<'outcome' | 'status_class'>;
  readonly attemptDuration: Histogram<'status_class'>;
  readonly endToEnd: Histogram<string>;
  readonly finished: Counter<'outcome'>;
  readonly probes: Counter<'outcome'>;
  readonly operationalEvents: Counter<'type'>;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'hookline_delivery_attempts_total',
      help: 'Delivery attempts by outcome (succeeded, retry, failed, recorded) and response status class',
      labelNames: ['outcome', 'status_class'],
      registers: [registry],
    });
    this.attemptDuration = new Histogram({
      name: 'hookline_delivery_attempt_duration_seconds',
      help: 'Duration of one HTTP attempt to a registered URL',
      labelNames: ['status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    });
    this.endToEnd = new Histogram({
      name: 'hookline_delivery_end_to_end_seconds',
      help: 'From the event being recorded to its first successful attempt',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60, 300, 1800, 7200, 86400],
      registers: [registry],
    });
    this.finished = new Counter({
      name: 'hookline_deliveries_total',
      help: 'Deliveries that reached a final state, by outcome (succeeded, failed, skipped)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.probes = new Counter({
      name: 'hookline_recovery_probes_total',
      help: 'Recovery probes of webhooks the platform disabled, by outcome (recovered, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.operationalEvents = new Counter({
      name: 'hookline_operational_events_total',
      help: 'Operational events recorded for tenants, by type (webhook.disabled, delivery.exhausted, ...)',
      labelNames: ['type'],
      registers: [registry],
    });
  }
}

/** HTTP metrics per route pattern (never the raw URL, which carries ids). */
export class HttpMetrics {
  readonly requests: Counter<'method' | 'route' | 'status_class'>;
  readonly duration: Histogram<'method' | 'route'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'hookline_http_requests_total',
      help: 'HTTP requests by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'hookline_http_request_duration_seconds',
      help: 'HTTP request duration by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    });
  }
}

export interface PlatformGaugeSources {
  queueCounts(): Promise<Record<'waiting' | 'active' | 'delayed' | 'failed', number>>;
  outboxBacklog(): Promise<number>;
  disabledEndpoints(): Promise<number>;
}

/**
 * Gauges read on scrape: queue depth by state, outbox backlog, disabled endpoints. A failing source leaves its gauge
 * unset. They read platform-wide state, the same in every process: where several processes' registries are combined
 * (the worker under WORKER_PROCESSES > 1, prom-client's AggregatorRegistry) they take the largest reading, not the sum.
 */
export function registerPlatformGauges(registry: Registry, sources: PlatformGaugeSources): void {
  new Gauge({
    name: 'hookline_queue_jobs',
    help: 'Jobs in the deliveries queue by state',
    labelNames: ['state'],
    registers: [registry],
    aggregator: 'max',
    async collect() {
      const counts = await sources.queueCounts().catch(() => null);
      if (counts) for (const [state, value] of Object.entries(counts)) this.set({ state }, value);
    },
  });
  new Gauge({
    name: 'hookline_outbox_backlog',
    help: 'Deliveries committed but not yet queued (pending for more than 5 s)',
    registers: [registry],
    aggregator: 'max',
    async collect() {
      const value = await sources.outboxBacklog().catch(() => null);
      if (value !== null) this.set(value);
    },
  });
  new Gauge({
    name: 'hookline_webhooks_disabled',
    help: 'Webhooks currently disabled',
    registers: [registry],
    aggregator: 'max',
    async collect() {
      const value = await sources.disabledEndpoints().catch(() => null);
      if (value !== null) this.set(value);
    },
  });
}
