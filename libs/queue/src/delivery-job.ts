import type { JobOptions } from 'bull';

/** The one queue Hookline has: a job per delivery. */
export const DELIVERY_QUEUE = 'deliveries';
export const DELIVER_JOB = 'deliver';
/** The Bull backoff strategy name; the worker registers it, the delay comes from the failed attempt itself. */
export const DELIVERY_BACKOFF = 'hookline-schedule';

/** Ids only: secrets and bodies are read from PostgreSQL at attempt time, never stored in Redis. */
export interface DeliveryJobPayload {
  deliveryId: string;
  tenantId: string;
  /** `manual` for an operator's or tenant's retry: its attempt is recorded as such. */
  trigger?: 'scheduled' | 'manual';
  requestId?: string;
}

/** The first attempt plus one retry per schedule step (RETRY_SCHEDULE): what every delivery job may make in all. */
export function maxAttempts(schedule: number[]): number {
  return schedule.length + 1;
}

/** The job id is the delivery id, so re-queueing (the sweeper, a retry after a crash) never doubles a delivery. */
export function deliveryJobId(deliveryId: string): string {
  return deliveryId;
}

export function deliveryJobOptions(deliveryId: string, maxAttempts: number): JobOptions {
  return {
    jobId: deliveryJobId(deliveryId),
    attempts: maxAttempts,
    backoff: { type: DELIVERY_BACKOFF },
    removeOnComplete: true,
    // Kept for Bull Board, bounded so Redis memory stays flat; PostgreSQL holds the full history.
    removeOnFail: 1000,
  };
}

/** A manual retry is its own one-shot job, so it never collides with (or cancels) the delivery's scheduled job. */
export function manualJobOptions(deliveryId: string, now = Date.now()): JobOptions {
  return { jobId: `${deliveryId}:manual:${now}`, attempts: 1, removeOnComplete: true, removeOnFail: 1000 };
}
