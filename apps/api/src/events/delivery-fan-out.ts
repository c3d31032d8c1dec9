import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { OutboxRepository } from '@hookline/db';
import { DeliveryEnqueuer } from '@hookline/queue';

/** Jobs per Redis round trip; the outbox sweeper uses the same size. */
export const FAN_OUT_BATCH = 1000;

/**
 * Queues a committed event's deliveries in batches. The first batch is queued before the request answers, so a
 * usual fan-out is on its way at once; the rest follow in the background, so a 10,000-webhook publish answers
 * without waiting for ten round trips. If the process dies first, the deliveries are still `pending` in PostgreSQL
 * and the worker's outbox sweeper queues them.
 */
@Injectable()
export class DeliveryFanOut implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryFanOut.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly outbox: OutboxRepository,
  ) {}

  async queue(tenantId: string, deliveryIds: string[], requestId?: string): Promise<void> {
    const batches: string[][] = [];
    for (let start = 0; start < deliveryIds.length; start += FAN_OUT_BATCH) batches.push(deliveryIds.slice(start, start + FAN_OUT_BATCH));
    if (batches.length === 0) return;
    await this.queueBatch(tenantId, batches[0], requestId);
    if (batches.length === 1) return;
    const rest = (async () => {
      for (const batch of batches.slice(1)) await this.queueBatch(tenantId, batch, requestId);
    })().finally(() => this.inFlight.delete(rest));
    this.inFlight.add(rest);
  }

  /** Lets background batches finish before Bull's queue and the database close (both close on application shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Never throws: what is not marked queued stays `pending` for the sweeper. */
  private async queueBatch(tenantId: string, batch: string[], requestId?: string): Promise<void> {
    const queued = await this.enqueuer.enqueue(batch.map((deliveryId) => ({ deliveryId, tenantId, requestId })));
    await this.outbox.markQueued(queued).catch((error: unknown) => this.logger.warn(`Could not mark ${queued.length} deliveries queued: ${(error as Error).message}`));
  }
}
