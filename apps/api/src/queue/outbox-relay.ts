import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { GroupCommit, OutboxRepository } from '@hookline/db';
import { DeliveryEnqueuer, DeliveryJobPayload } from '@hookline/queue';

/** Jobs per Redis round trip: what the fan-out and the outbox sweeper use too. */
const MAX_JOBS_PER_FLUSH = 1000;

/**
 * Moves committed deliveries from the outbox to Redis. Requests arriving together share one `addBulk` and one
 * "mark queued" UPDATE (group commit) instead of two round trips each. Never throws: what could not be queued stays
 * `pending` in PostgreSQL, and the worker's outbox sweeper queues it (after a 5 s grace).
 */
@Injectable()
export class OutboxRelay implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly batches: GroupCommit<DeliveryJobPayload[], void>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly outbox: OutboxRepository,
  ) {
    this.batches = new GroupCommit<DeliveryJobPayload[], void>((groups) => this.flush(groups), { maxBatch: MAX_JOBS_PER_FLUSH, sizeOf: (jobs) => jobs.length });
  }

  /** Settles once the jobs are in Redis and marked queued, or left for the sweeper. */
  relay(jobs: DeliveryJobPayload[]): Promise<void> {
    if (jobs.length === 0) return Promise.resolve();
    const done = this.batches.submit(jobs).catch((error: unknown) => this.logger.warn(`Left ${jobs.length} deliveries for the outbox sweeper: ${(error as Error).message}`));
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }

  /** Jobs handed in before shutdown reach Redis before Bull's queue and the database close. */
  async beforeApplicationShutdown(): Promise<void> {
    for (let round = 0; round < 100 && this.inFlight.size > 0; round++) await Promise.allSettled([...this.inFlight]);
  }

  private async flush(groups: DeliveryJobPayload[][]): Promise<void[]> {
    const queued = await this.enqueuer.enqueue(groups.flat());
    await this.outbox.markQueued(queued).catch((error: unknown) => this.logger.warn(`Could not mark ${queued.length} deliveries queued: ${(error as Error).message}`));
    return groups.map(() => undefined);
  }
}
