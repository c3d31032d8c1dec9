import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, APP_CONFIG, ConfigModule } from '@hookline/config';
import { DbModule } from '@hookline/db';
import { DeliveryRunner, HttpSender } from '@hookline/delivery';
import { bullQueueOptions, DELIVERY_BACKOFF, DELIVERY_QUEUE } from '@hookline/queue';
import { SigningModule } from '@hookline/signing';
import { DeliveryProcessor, RetryLaterError } from './delivery.processor';
import { OutboxSweeper } from './outbox.sweeper';

/** Bull settings: the backoff honours the delay each failed attempt computed for itself. */
export function workerQueueSettings() {
  return {
    backoffStrategies: {
      [DELIVERY_BACKOFF]: (_attemptsMade: number, error: Error) => (error instanceof RetryLaterError ? error.delayMs : 5000),
    },
    // An attempt is bounded by DELIVERY_TIMEOUT_MS; the lock outlives it so a live job is never taken as stalled.
    lockDuration: 60_000,
    stalledInterval: 15_000,
    maxStalledCount: 3,
  };
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule.forRoot({ databaseUrl: config.databaseUrl, applicationName: 'hookline-worker', poolSize: 20 }),
        SigningModule.forRoot(config.encryptionKeys),
        BullModule.forRoot(bullQueueOptions(config.redisUrl, config.queuePrefix, { settings: workerQueueSettings() })),
        BullModule.registerQueue({ name: DELIVERY_QUEUE }),
      ],
      providers: [
        {
          provide: HttpSender,
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) =>
            new HttpSender({ policy: { allowPrivate: c.allowPrivateTargets, allowedCidrs: c.allowedPrivateCidrs }, timeoutMs: c.deliveryTimeoutMs }),
        },
        DeliveryRunner,
        DeliveryProcessor,
        OutboxSweeper,
      ],
    };
  }
}
