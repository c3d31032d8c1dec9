import { BullModule, getQueueToken } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import type { Queue, QueueOptions } from 'bull';
import { DELIVERY_QUEUE, maxAttempts } from './delivery-job';
import { DeliveryEnqueuer } from './delivery-enqueuer';
import { bullQueueOptions } from './redis';

export interface DeliveryQueueOptions {
  redisUrl: string;
  prefix: string;
  retrySchedule: number[];
  /** The API: commands give up quickly, so a request never hangs on a Redis outage (the outbox keeps the delivery). */
  failFast?: boolean;
  /** The worker's Bull settings (backoff strategy, locks). */
  settings?: QueueOptions['settings'];
}

/**
 * The delivery queue and its one DeliveryEnqueuer, for the API (which adds jobs and shows them in Bull Board) and the
 * worker (which processes them and re-queues from the outbox, recovery and operational events).
 */
@Module({})
export class DeliveryQueueModule {
  static forRoot(options: DeliveryQueueOptions): DynamicModule {
    const attempts = maxAttempts(options.retrySchedule);
    return {
      module: DeliveryQueueModule,
      global: true,
      imports: [
        BullModule.forRoot(bullQueueOptions(options.redisUrl, options.prefix, { failFast: options.failFast, settings: options.settings })),
        BullModule.registerQueue({ name: DELIVERY_QUEUE }),
      ],
      providers: [{ provide: DeliveryEnqueuer, inject: [getQueueToken(DELIVERY_QUEUE)], useFactory: (queue: Queue) => new DeliveryEnqueuer(queue, attempts) }],
      exports: [DeliveryEnqueuer, BullModule],
    };
  }
}
