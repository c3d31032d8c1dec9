import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@hookline/config';
import { DbModule } from '@hookline/db';
import { DeliveryQueueModule } from '@hookline/queue';
import { pinoOptions } from '@hookline/observability';
import { SigningModule } from '@hookline/signing';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { ApiKeyGuard } from './common/api-key.guard';
import { FailedLoginThrottle } from './common/failed-login.throttle';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { RateLimiter } from './common/rate-limiter';
import { createValidationPipe } from './common/validation.pipe';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { CacheModule } from './cache/cache.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { ErrorLogsModule } from './error-logs/error-logs.module';
import { EventTypesModule } from './event-types/event-types.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxModule } from './outbox/outbox.module';
import { TenantsModule } from './tenants/tenants.module';
import { UploadsModule } from './uploads/uploads.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The API's pino logger: Nest's lines and the request lines share it. */
export const API_LOGGER = Symbol('API_LOGGER');

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = pino(pinoOptions('api', config.logLevel));
    return {
      module: AppModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        // Nest's own log lines through pino; request lines come from requestObserver (bootstrap.ts), so nestjs-pino's
        // per-request middlewares are bound to no route.
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
        DbModule.forRoot({ databaseUrl: config.databaseUrl, applicationName: 'hookline-api' }),
        SigningModule.forRoot(config.encryptionKeys),
        DeliveryQueueModule.forRoot({ redisUrl: config.redisUrl, prefix: config.queuePrefix, retrySchedule: config.retrySchedule, failFast: true }),
        OutboxModule,
        CacheModule,
        HealthModule,
        MetricsModule,
        TenantsModule,
        EventTypesModule,
        EventsModule,
        ApiKeysModule,
        WebhooksModule,
        UploadsModule,
        DeliveriesModule,
        ErrorLogsModule,
      ],
      providers: [
        ApiKeyGuard,
        RateLimiter,
        FailedLoginThrottle,
        { provide: API_LOGGER, useValue: logger },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [ApiKeyGuard, RateLimiter, FailedLoginThrottle, API_LOGGER],
    };
  }
}
