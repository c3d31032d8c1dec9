import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { maxAttempts } from '@hookline/delivery';
import { OutboxRepository, OutboxSweepRepository, SweepPosition } from '@hookline/db';
import { DELIVERY_QUEUE as DELIVERY_QUEUE_TOKEN, DeliveryEnqueuer } from '@hookline/queue';
import type { Queue } from 'bull';

const BATCH = 1000;
/** A delivery committed this recently may still be on its way into Redis from the API. */
const GRACE_MS = 5000;

/**
 * Re-queues deliveries that PostgreSQL says are due but Redis has no job for: committed while Redis was down, lost
 * when Redis restarted empty, or evicted. The job id is the delivery id, so a job that does exist (waiting, delayed,
 * or in flight) is never doubled.
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxSweeper.name);
  private readonly enqueuer: DeliveryEnqueuer;
  private timer: NodeJS.Timeout | null = null;
  private position: SweepPosition | null = null;
  private running: Promise<number> | null = null;

  constructor(
    @InjectQueue(DELIVERY_QUEUE_TOKEN) private readonly queue: Queue,
    private readonly sweeps: OutboxSweepRepository,
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.enqueuer = new DeliveryEnqueuer(queue, maxAttempts(config.retrySchedule));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.outboxSweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over the next batch of due deliveries; returns how many it re-queued. */
  sweep(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.sweepOnce()
      .catch((error: unknown) => {
        this.logger.warn(`Outbox sweep skipped: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    const requeued = await this.sweeps.withSweepLock(async () => {
      const due = await this.sweeps.due(GRACE_MS, BATCH, this.position);
      this.position = due.length === BATCH ? { at: due[due.length - 1].nextAttemptAt, id: due[due.length - 1].id } : null;
      if (due.length === 0) return 0;
      const pipeline = this.queue.client.pipeline();
      for (const delivery of due) pipeline.exists(this.queue.toKey(delivery.id));
      const answers = (await pipeline.exec()) ?? [];
      const missing = due.filter((_, index) => answers[index]?.[0] === null && answers[index]?.[1] === 0);
      if (missing.length === 0) return 0;
      const queued = await this.enqueuer.enqueue(missing.map((delivery) => ({ deliveryId: delivery.id, tenantId: delivery.tenantId })));
      await this.outbox.markQueued(queued);
      return queued.length;
    });
    if (requeued) this.logger.log(`Outbox sweep re-queued ${requeued} deliveries`);
    return requeued ?? 0;
  }
}
