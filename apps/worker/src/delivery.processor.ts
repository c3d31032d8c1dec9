import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { DeliveryRunner } from '@hookline/delivery';
import { DELIVER_JOB, DELIVERY_QUEUE, DeliveryJobPayload } from '@hookline/queue';
import type { Job, Queue } from 'bull';

/** Carries the delay the failed attempt chose (schedule, jitter, Retry-After) to Bull's backoff strategy. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** The only file that knows Bull's Job: ids in, the attempt's outcome out as done or throw-to-retry. */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
    private readonly runner: DeliveryRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.process(DELIVER_JOB, this.config.workerConcurrency, (job: Job<DeliveryJobPayload>) => this.handle(job));
  }

  async handle(job: Job<DeliveryJobPayload>): Promise<string> {
    const { deliveryId, tenantId, trigger = 'scheduled' } = job.data;
    const outcome = await this.runner.attempt({ deliveryId, tenantId, trigger, attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
    switch (outcome.kind) {
      case 'succeeded':
        return `delivered on attempt ${outcome.attempt} (HTTP ${outcome.statusCode})`;
      case 'skipped':
        return `skipped: ${outcome.reason}`;
      case 'retry':
        throw new RetryLaterError(`attempt ${outcome.attempt} failed: ${outcome.error}`, outcome.delayMs);
      case 'failed':
        this.logger.warn(`Delivery ${deliveryId} failed for good after attempt ${outcome.attempt}: ${outcome.error}`);
        // Bull would otherwise retry a delivery that ended early (410 Gone); it shows as failed in Bull Board.
        await job.discard();
        throw new Error(`failed (${outcome.reason}) after attempt ${outcome.attempt}: ${outcome.error}`);
    }
  }
}
