import { createRegistry, DeliveryMetrics, registerPlatformGauges } from '@hookline/observability';
import { AggregatorRegistry } from 'prom-client';

/** One worker process's registry, as the worker module builds it; `disabled` is what its platform gauge reads. */
function processRegistry(disabled: number, backlog: number) {
  const registry = createRegistry('worker');
  registerPlatformGauges(registry, {
    queueCounts: async () => ({ waiting: 7, active: 2, delayed: 0, failed: 1 }),
    outboxBacklog: async () => backlog,
    disabledEndpoints: async () => disabled,
  });
  return { registry, metrics: new DeliveryMetrics(registry) };
}

/** What the supervisor serves: prom-client's aggregation of each process's registry (as it arrives over IPC). */
async function combined(...registries: ReturnType<typeof processRegistry>[]) {
  const json = await Promise.all(registries.map(({ registry }) => registry.getMetricsAsJSON()));
  const text = await AggregatorRegistry.aggregate(json).metrics();
  return (line: string) => text.split('\n').find((candidate) => candidate.startsWith(line + ' '));
}

describe('worker metrics combined over processes', () => {
  it('sums the delivery counters and histograms, and takes one reading of the platform gauges', async () => {
    const first = processRegistry(3, 4);
    const second = processRegistry(3, 5);
    first.metrics.finished.inc({ outcome: 'succeeded' }, 40);
    second.metrics.finished.inc({ outcome: 'succeeded' }, 20);
    first.metrics.attempts.inc({ outcome: 'succeeded', status_class: '2xx' }, 41);
    second.metrics.attempts.inc({ outcome: 'retry', status_class: '5xx' }, 2);
    first.metrics.attemptDuration.observe({ status_class: '2xx' }, 0.02);
    second.metrics.attemptDuration.observe({ status_class: '2xx' }, 0.2);

    const line = await combined(first, second);
    expect(line('hookline_deliveries_total{outcome="succeeded",app="worker"}')).toMatch(/ 60$/);
    expect(line('hookline_delivery_attempts_total{outcome="succeeded",status_class="2xx",app="worker"}')).toMatch(/ 41$/);
    expect(line('hookline_delivery_attempts_total{outcome="retry",status_class="5xx",app="worker"}')).toMatch(/ 2$/);
    expect(line('hookline_delivery_attempt_duration_seconds_count{status_class="2xx",app="worker"}')).toMatch(/ 2$/);
    expect(line('hookline_delivery_attempt_duration_seconds_bucket{le="0.025",status_class="2xx",app="worker"}')).toMatch(/ 1$/);
    // Platform-wide readings, the same state read by each process: never multiplied by the number of processes.
    expect(line('hookline_webhooks_disabled{app="worker"}')).toMatch(/ 3$/);
    expect(line('hookline_outbox_backlog{app="worker"}')).toMatch(/ 5$/);
    expect(line('hookline_queue_jobs{state="waiting",app="worker"}')).toMatch(/ 7$/);
    expect(line('hookline_queue_jobs{state="failed",app="worker"}')).toMatch(/ 1$/);
  });
});
