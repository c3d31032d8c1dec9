import { getQueueToken } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { MetricsRepository } from '@hookline/db';
import { createRegistry, HttpMetrics, registerPlatformGauges } from '@hookline/observability';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import { Registry } from 'prom-client';
import { MetricsController } from './metrics.controller';

@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      inject: [getQueueToken(DELIVERY_QUEUE), MetricsRepository],
      useFactory: (queue: Queue, metrics: MetricsRepository) => {
        const registry = createRegistry('api');
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
    },
    { provide: HttpMetrics, inject: [Registry], useFactory: (registry: Registry) => new HttpMetrics(registry) },
  ],
  exports: [HttpMetrics],
})
export class MetricsModule {}
