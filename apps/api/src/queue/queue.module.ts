import { BullModule, getQueueToken } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { maxAttempts } from '@hookline/delivery';
import { bullQueueOptions, DELIVERY_QUEUE, DeliveryEnqueuer } from '@hookline/queue';
import type { Queue } from 'bull';
import { InvalidationBus } from './invalidation-bus';
import { OutboxRelay } from './outbox-relay';

/** The API only adds jobs (and shows them in Bull Board); it never processes them. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => bullQueueOptions(config.redisUrl, config.queuePrefix, { failFast: true }),
    }),
    BullModule.registerQueue({ name: DELIVERY_QUEUE }),
  ],
  providers: [
    {
      provide: DeliveryEnqueuer,
      inject: [getQueueToken(DELIVERY_QUEUE), APP_CONFIG],
      useFactory: (queue: Queue, config: AppConfig) => new DeliveryEnqueuer(queue, maxAttempts(config.retrySchedule)),
    },
    OutboxRelay,
    InvalidationBus,
  ],
  exports: [DeliveryEnqueuer, OutboxRelay, InvalidationBus, BullModule],
})
export class QueueModule {}
