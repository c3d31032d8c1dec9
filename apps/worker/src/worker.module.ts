import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, APP_CONFIG, ConfigModule } from '@hookline/config';
import { DbModule } from '@hookline/db';
import { AttemptStore, DeliveryRunner, EndpointLimiter, HttpSender, SignedRequests } from '@hookline/delivery';
import { DeliveryMetrics, platformRegistryProvider } from '@hookline/observability';
import { DELIVERY_BACKOFF, DeliveryQueueModule } from '@hookline/queue';
import { SigningModule } from '@hookline/signing';
import { StorageModule } from '@hookline/storage';
import type { Logger as Pino } from 'pino';
import { Registry } from 'prom-client';
import { AttemptObserver } from './attempt.observer';
import { DeliveryProcessor, RetryLaterError } from './delivery.processor';
import { MetricsServer } from './metrics-server';
import { OperationalEvents } from './operational-events';
import { OutboxSweeper } from './outbox.sweeper';
import { RecoveryProbeJob } from './recovery-probe.job';
import { RetentionJob } from './retention.job';
import { createWorkerLog, WORKER_LOG } from './worker-log';

/** Bull settings: the backoff honours the delay each failed attempt computed for itself. */
export function workerQueueSettings(config: Pick<AppConfig, 'workerLockMs' | 'workerStalledIntervalMs'>) {
  return {
    backoffStrategies: {
      [DELIVERY_BACKOFF]: (_attemptsMade: number, error: Error) => (error instanceof RetryLaterError ? error.delayMs : 5000),
    },
    // A live worker renews its lock every lockDuration / 2, so only a dead (or frozen) one loses a job; the stalled
    // check then hands the job to another worker. Defaults 60 s and 15 s; the fault suite shortens both.
    lockDuration: config.workerLockMs,
    stalledInterval: config.workerStalledIntervalMs,
    maxStalledCount: 3,
  };
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, log: Pino = createWorkerLog(config.logLevel)): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule.forRoot({ databaseUrl: config.databaseUrl, applicationName: 'hookline-worker', poolSize: 20 }),
        SigningModule.forRoot(config.encryptionKeys),
        DeliveryQueueModule.forRoot({ redisUrl: config.redisUrl, prefix: config.queuePrefix, retrySchedule: config.retrySchedule, settings: workerQueueSettings(config) }),
        StorageModule,
      ],
      providers: [
        {
          provide: HttpSender,
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) =>
            new HttpSender({
              policy: { allowPrivate: c.allowPrivateTargets, allowedCidrs: c.allowedPrivateCidrs, allowedPorts: c.allowedTargetPorts },
              timeoutMs: c.deliveryTimeoutMs,
            }),
        },
        { provide: EndpointLimiter, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new EndpointLimiter(c.maxInFlightPerEndpoint) },
        AttemptStore,
        SignedRequests,
        DeliveryRunner,
        DeliveryProcessor,
        OutboxSweeper,
        RetentionJob,
        { provide: WORKER_LOG, useValue: log },
        platformRegistryProvider('worker'),
        { provide: DeliveryMetrics, inject: [Registry], useFactory: (registry: Registry) => new DeliveryMetrics(registry) },
        MetricsServer,
        OperationalEvents,
        AttemptObserver,
        RecoveryProbeJob,
      ],
    };
  }
}
