import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { DELIVER_JOB, DeliveryJobPayload, deliveryJobOptions } from './delivery-job';

const ADD_TIMEOUT_MS = 2000;

/**
 * Queues committed deliveries. Never throws: a delivery that could not be queued stays `pending` in PostgreSQL and
 * the worker's outbox sweeper queues it, so a Redis outage delays deliveries but loses none and fails no request.
 */
export class DeliveryEnqueuer {
  private readonly logger = new Logger(DeliveryEnqueuer.name);

  constructor(
    private readonly queue: Queue,
    private readonly maxAttempts: number,
  ) {}

  /** Returns the ids whose jobs are now in Redis. */
  async enqueue(jobs: DeliveryJobPayload[]): Promise<string[]> {
    if (jobs.length === 0) return [];
    const bulk = jobs.map((data) => ({ name: DELIVER_JOB, data, opts: deliveryJobOptions(data.deliveryId, this.maxAttempts) }));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.addBulk(bulk),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not accept the jobs within ${ADD_TIMEOUT_MS} ms`)), ADD_TIMEOUT_MS);
        }),
      ]);
      return jobs.map((job) => job.deliveryId);
    } catch (error) {
      this.logger.warn(`Left ${jobs.length} deliveries for the outbox sweeper: ${(error as Error).message}`);
      return [];
    } finally {
      clearTimeout(timer);
    }
  }
}
