import { Module } from '@nestjs/common';
import { HttpMetrics, platformRegistryProvider } from '@hookline/observability';
import { Registry } from 'prom-client';
import { MetricsController } from './metrics.controller';

@Module({
  controllers: [MetricsController],
  providers: [
    platformRegistryProvider('api'),
    { provide: HttpMetrics, inject: [Registry], useFactory: (registry: Registry) => new HttpMetrics(registry) },
  ],
  exports: [HttpMetrics],
})
export class MetricsModule {}
