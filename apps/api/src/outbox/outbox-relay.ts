import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { GroupCommit } from '@hookline/batching';
import { OutboxRepository } from '@hookline/db';
import { DeliveryEnqueuer, DeliveryJobPayload } from '@hookline/queue';

/** Jobs per Redis round trip: what the fan-out and the outbox sweeper use too. */
const MAX_JOBS_PER_FLUSH = 1000;
/**
 * Queued deliveries are marked `queued` in PostgreSQL at most this long after their jobs reached Redis, many relay
 * batches in one UPDATE. The mark only tells `pending` (not yet in Redis: the outbox backlog, counted after 5 s)
 * from `queued`; the sweeper checks Redis itself and the worker takes either. Measured at 1,000 publishes/s: one
 * UPDATE per relay batch cost the API ~140 µs of CPU per publish with the addBulk, and most of that was the UPDATE.
 */
const MARK_QUEUED_WITHIN_MS = 100;

/**
 * Moves committed deliveries from the outbox to Redis. Requests arriving together share one `addBulk` (group commit),
 * and the "mark queued" UPDATEs of many such batches go out as one. Never throws: what could not be queued stays
 * `pending` in PostgreSQL, and the worker's outbox sweeper queues it (after a 5 s grace).
 */
@Injectable()
export class OutboxRelay implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly batches: GroupCommit<DeliveryJobPayload[], void>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly marks = new QueuedMarks((ids) => this.outbox.markQueued(ids), MARK_QUEUED_WITHIN_MS, MAX_JOBS_PER_FLUSH, this.logger);

  constructor(
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly outbox: OutboxRepository,
  ) {
    this.batches = new GroupCommit<DeliveryJobPayload[], void>((groups) => this.flush(groups), { maxBatch: MAX_JOBS_PER_FLUSH, sizeOf: (jobs) => jobs.length });
  }

  /** Settles once the jobs are in Redis (marked `queued` within MARK_QUEUED_WITHIN_MS), or left for the sweeper. */
  relay(jobs: DeliveryJobPayload[]): Promise<void> {
    if (jobs.length === 0) return Promise.resolve();
    const done = this.batches.submit(jobs).catch((error: unknown) => this.logger.warn(`Left ${jobs.length} deliveries for the outbox sweeper: ${(error as Error).message}`));
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }

  /** Jobs handed in before shutdown reach Redis, and are marked queued, before Bull's queue and the database close. */
  async beforeApplicationShutdown(): Promise<void> {
    for (let round = 0; round < 100 && this.inFlight.size > 0; round++) await Promise.allSettled([...this.inFlight]);
    await this.marks.flush();
  }

  private async flush(groups: DeliveryJobPayload[][]): Promise<void[]> {
    this.marks.add(await this.enqueuer.enqueue(groups.flat()));
    return groups.map(() => undefined);
  }
}

/** Ids collected for one UPDATE: sent `withinMs` after the first arrived, or at once when `maxIds` are waiting. */
class QueuedMarks {
  private ids: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly mark: (ids: string[]) => Promise<void>,
    private readonly withinMs: number,
    private readonly maxIds: number,
    private readonly logger: Logger,
  ) {}

  add(ids: string[]): void {
    if (ids.length === 0) return;
    this.ids.push(...ids);
    if (this.ids.length >= this.maxIds) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.withinMs);
  }

  /** Sends what is waiting; settles once every UPDATE sent so far has returned. Never throws. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ids = this.ids;
    this.ids = [];
    if (ids.length > 0) {
      // One UPDATE at a time, in order; a failure leaves those deliveries `pending`, which only the backlog gauge sees.
      this.running = this.running.then(() =>
        this.mark(ids).catch((error: unknown) => this.logger.warn(`Could not mark ${ids.length} deliveries queued: ${(error as Error).message}`)),
      );
    }
    return this.running;
  }
}
