import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { DELIVER_JOB, DeliveryJobPayload, deliveryJobId, deliveryJobOptions, manualJobOptions } from './delivery-job';

const ADD_TIMEOUT_MS = 2000;
/** ioredis states of a client that has lost Redis and is waiting to retry: an add now would only wait out the timeout. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);

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
    return this.add(jobs.map((data) => ({ name: DELIVER_JOB, data, opts: deliveryJobOptions(data.deliveryId, this.maxAttempts) })));
  }

  /**
   * Queues deliveries that ran before (recovery): a finished job kept for Bull Board under the same id would make the
   * add a no-op, so it is removed first. A job still waiting or delayed is left alone and will run.
   */
  async requeue(jobs: DeliveryJobPayload[]): Promise<string[]> {
    try {
      await Promise.all(
        jobs.map(async ({ deliveryId }) => {
          const job = await this.queue.getJob(deliveryJobId(deliveryId));
          if (job && ((await job.isFailed()) || (await job.isCompleted()))) await job.remove();
        }),
      );
    } catch (error) {
      this.logger.warn(`Could not clear finished jobs before re-queueing: ${(error as Error).message}`);
      return [];
    }
    return this.enqueue(jobs);
  }

  /** A one-shot manual attempt, now, beside whatever the delivery's own job is doing. */
  async enqueueManual(job: DeliveryJobPayload): Promise<boolean> {
    const added = await this.add([{ name: DELIVER_JOB, data: { ...job, trigger: 'manual' }, opts: manualJobOptions(job.deliveryId) }]);
    return added.length === 1;
  }

  private async add(bulk: Array<{ name: string; data: DeliveryJobPayload; opts: ReturnType<typeof deliveryJobOptions> }>): Promise<string[]> {
    if (bulk.length === 0) return [];
    const jobs = bulk.map((entry) => entry.data);
    if (DISCONNECTED.has(this.queue.client.status)) {
      this.logger.warn(`Left ${jobs.length} deliveries for the outbox sweeper: Redis is unreachable`);
      return [];
    }
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
