import { getQueueToken } from '@nestjs/bull';
import { Provider } from '@nestjs/common';
import { MetricsRepository } from '@hookline/db';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import { Registry } from 'prom-client';
import { createRegistry, registerPlatformGauges } from './metrics';

/** The process's registry with the platform gauges (queue depth, outbox backlog, disabled endpoints), read on scrape. */
export function platformRegistryProvider(app: 'api' | 'worker'): Provider {
  return {
    provide: Registry,
    inject: [getQueueToken(DELIVERY_QUEUE), MetricsRepository],
    useFactory: (queue: Queue, metrics: MetricsRepository) => {
      const registry = createRegistry(app);
      registerPlatformGauges(registry, {
        queueCounts: async () => {
          const counts = await queue.getJobCounts();
          return { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed };
        },
        outboxBacklog: () => metrics.outboxBacklog(),
        disabledEndpoints: () => metrics.disabledEndpoints(),
      });
      return registry;
    },
  };
}
