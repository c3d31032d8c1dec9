import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { DueDelivery, OutboxRepository, OutboxSweepRepository, SweepPosition } from '@hookline/db';
import { DELIVERY_QUEUE as DELIVERY_QUEUE_TOKEN, DeliveryEnqueuer } from '@hookline/queue';
import type { Queue } from 'bull';

const BATCH = 1000;
/** A delivery committed this recently may still be on its way into Redis from the API. */
const GRACE_MS = 5000;
/** A sweep that cannot reach Redis in this time gives up and lets the next interval try, releasing its lock. */
const REDIS_CHECK_TIMEOUT_MS = 5000;

/** What Redis holds for a due delivery's job. */
type JobState = 'live' | 'missing' | 'finished';

/**
 * Re-queues deliveries that PostgreSQL says are due but Redis has no live job for: committed while Redis was down,
 * lost when Redis restarted empty, evicted, or given up by Bull (retries spent on a database outage, a job stalled
 * too often) while the delivery is still open. The job id is the delivery id, so a job that does exist (waiting,
 * delayed, or in flight) is never doubled; one PostgreSQL says may be in flight is left alone even if Redis lost it.
 * One replica sweeps at a time (a transaction-scoped advisory lock); the others skip that interval.
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private position: SweepPosition | null = null;
  private running: Promise<number> | null = null;

  constructor(
    @InjectQueue(DELIVERY_QUEUE_TOKEN) private readonly queue: Queue,
    private readonly sweeps: OutboxSweepRepository,
    private readonly outbox: OutboxRepository,
    private readonly enqueuer: DeliveryEnqueuer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.outboxSweepIntervalMs);
    this.timer.unref();
  }

  /** Stops with the processor's drain, before Redis and PostgreSQL close; a sweep under way finishes first. */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass over the next batch of due deliveries; returns how many it re-queued. Never throws: Redis or PostgreSQL down means "next interval". */
  sweep(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.sweepOnce()
      .catch((error: unknown) => {
        this.logger.warn(`Outbox sweep skipped, retrying in ${this.config.outboxSweepIntervalMs} ms: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    // An attempt may run for DELIVERY_TIMEOUT_MS; one whose worker died is Bull's to hand over once its lock lapses.
    const inFlightMs = this.config.deliveryTimeoutMs + this.config.workerLockMs;
    const requeued = await this.sweeps.withSweepLock(async () => {
      const due = await this.sweeps.due(GRACE_MS, BATCH, this.position, inFlightMs);
      this.position = due.length === BATCH ? { at: due[due.length - 1].nextAttemptAt, id: due[due.length - 1].id } : null;
      if (due.length === 0) return 0;
      const states = await this.jobStates(due);
      const missing = due.filter((_, index) => states[index] === 'missing').map(toPayload);
      const finished = due.filter((_, index) => states[index] === 'finished').map(toPayload);
      // A finished job under the delivery's id would turn an add into a no-op: requeue removes it first.
      const queued = [...(await this.enqueuer.enqueue(missing)), ...(await this.enqueuer.requeue(finished))];
      await this.outbox.markQueued(queued);
      return queued.length;
    });
    if (requeued) this.logger.log(`Outbox sweep re-queued ${requeued} deliveries`);
    return requeued ?? 0;
  }

  /** One round trip: each job's creation time (absent: no job) and finish time (present: Bull is done with it). */
  private async jobStates(due: DueDelivery[]): Promise<JobState[]> {
    const pipeline = this.queue.client.pipeline();
    for (const delivery of due) pipeline.hmget(this.queue.toKey(delivery.id), 'timestamp', 'finishedOn');
    let timer: NodeJS.Timeout | undefined;
    const answers = await Promise.race([
      pipeline.exec(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_CHECK_TIMEOUT_MS} ms`)), REDIS_CHECK_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    return due.map((_, index) => {
      const [error, fields] = answers?.[index] ?? [new Error('no answer'), null];
      if (error) throw error;
      const [timestamp, finishedOn] = fields as [string | null, string | null];
      if (timestamp === null) return 'missing';
      return finishedOn === null ? 'live' : 'finished';
    });
  }
}

function toPayload(delivery: DueDelivery) {
  return { deliveryId: delivery.id, tenantId: delivery.tenantId };
}
