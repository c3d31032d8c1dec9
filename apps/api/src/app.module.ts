import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@hookline/config';
import { DbModule } from '@hookline/db';
import { pinoHttpOptions } from '@hookline/observability';
import { SigningModule } from '@hookline/signing';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyGuard } from './common/api-key.guard';
import { EnvelopeInterceptor } from './common/envelope.interceptor';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { RateLimitInterceptor } from './common/rate-limit.interceptor';
import { createValidationPipe } from './common/validation.pipe';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { ErrorLogsModule } from './error-logs/error-logs.module';
import { EventTypesModule } from './event-types/event-types.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueModule } from './queue/queue.module';
import { TenantsModule } from './tenants/tenants.module';
import { UploadsModule } from './uploads/uploads.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions('api', config.logLevel) }),
        DbModule.forRoot({ databaseUrl: config.databaseUrl, applicationName: 'hookline-api' }),
        SigningModule.forRoot(config.encryptionKeys),
        QueueModule,
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
        { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [ApiKeyGuard],
    };
  }
}
