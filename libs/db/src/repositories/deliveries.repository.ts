import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Delivery, DeliveryAttempt, DeliveryStatus } from '../entities';
import { Page, paginate } from '../pagination';
import { isUuid, requireTenant } from './tenant-scope';

export interface DeliveryFilter {
  webhookId?: string;
  eventId?: string;
  status?: DeliveryStatus;
}

/** Everything one attempt needs, loaded in one query (AttemptBatchRepository.load). */
export interface DeliveryWork {
  deliveryId: string;
  tenantId: string;
  status: DeliveryStatus;
  attemptCount: number;
  webhookId: string;
  webhookStatus: 'enabled' | 'disabled';
  webhookDeleted: boolean;
  url: string;
  customHeadersEnc: string | null;
  customPayload: Record<string, unknown> | null;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  eventId: string;
  eventTypeKey: string;
  eventData: unknown;
  eventCreatedAt: Date;
  /** The endpoint's failure count when loaded: a success only writes the webhook row when it has something to reset. */
  consecutiveFailures: number;
}

/** `recorded`: a manual attempt that failed; the delivery keeps its state and schedule. */
export type AttemptResult = 'succeeded' | 'retry' | 'failed' | 'recorded';

export interface AttemptRecord {
  tenantId: string;
  deliveryId: string;
  webhookId: string;
  trigger: 'scheduled' | 'manual';
  url: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  result: AttemptResult;
  nextAttemptAt: Date | null;
  /** Set when the delivery ends failed: why (`exhausted`, `gone`, ...). */
  failureReason: string | null;
  /** Disable the endpoint now, whatever its failure count (a receiver answering 410 Gone). */
  disableReason: string | null;
  disableAfterFailures: number;
  /** False when the endpoint's failure count was 0 at load: a success then leaves the webhook row alone. */
  resetFailures?: boolean;
}

export interface RecordedAttempt {
  attempt: number;
  webhookDisabled: boolean;
}

export type DeliveryWithAttempts = Delivery & { attempts: DeliveryAttempt[] };

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly db: DataSource) {}

  async getById(tenantId: string, id: string): Promise<DeliveryWithAttempts | null> {
    if (!isUuid(id)) return null;
    const delivery = await this.db.getRepository(Delivery).findOne({ where: { tenantId: requireTenant(tenantId), id } });
    if (!delivery) return null;
    const attempts = await this.db.getRepository(DeliveryAttempt).find({ where: { deliveryId: id }, order: { attempt: 'ASC', createdAt: 'ASC' } });
    return Object.assign(delivery, { attempts });
  }

  list(tenantId: string, filter: DeliveryFilter, limit: number, cursor?: string): Promise<Page<Delivery>> {
    const qb = this.db.getRepository(Delivery).createQueryBuilder('d').where('d.tenant_id = :tenantId', { tenantId: requireTenant(tenantId) });
    if (filter.webhookId) qb.andWhere('d.webhook_id = :webhookId', { webhookId: filter.webhookId });
    if (filter.eventId) qb.andWhere('d.event_id = :eventId', { eventId: filter.eventId });
    if (filter.status) qb.andWhere('d.status = :status', { status: filter.status });
    return paginate(qb, 'd', limit, cursor);
  }

  /**
   * Puts a webhook's failed deliveries created in [since, until) back in the queue with a fresh schedule, in batches
   * of `batchSize`; `each` queues every batch as it is committed. Returns how many were re-opened.
   */
  async reopenFailed(
    tenantId: string,
    webhookId: string,
    window: { since: Date; until: Date },
    batchSize: number,
    each: (ids: string[]) => Promise<void>,
  ): Promise<number> {
    requireTenant(tenantId);
    let total = 0;
    for (;;) {
      const [rows] = await this.db.query(
        `UPDATE deliveries SET status = 'pending', failure_reason = NULL, completed_at = NULL, next_attempt_at = now(), updated_at = now()
          WHERE id IN (SELECT id FROM deliveries
                        WHERE tenant_id = $1 AND webhook_id = $2 AND status = 'failed' AND created_at >= $3 AND created_at < $4
                        ORDER BY created_at LIMIT $5 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        [tenantId, webhookId, window.since, window.until, batchSize],
      );
      const ids = (rows as Array<{ id: string }>).map((row) => row.id);
      if (ids.length === 0) return total;
      total += ids.length;
      await each(ids);
      if (ids.length < batchSize) return total;
    }
  }

  /** Ends a delivery that will never be attempted (its endpoint is disabled or deleted), with an error log saying why. */
  async failWithoutAttempt(tenantId: string, deliveryId: string, webhookId: string, reason: string): Promise<void> {
    requireTenant(tenantId);
    await this.db.transaction(async (em) => {
      const [rows] = await em.query(
        `UPDATE deliveries SET status = 'failed', failure_reason = $3, next_attempt_at = NULL, completed_at = now(), updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND status IN ('pending', 'queued') RETURNING id`,
        [tenantId, deliveryId, reason],
      );
      if (rows.length === 0) return;
      await em.query(`INSERT INTO error_logs (tenant_id, webhook_id, delivery_id, message, detail) VALUES ($1, $2, $3, $4, $5)`, [
        tenantId,
        webhookId,
        deliveryId,
        `Delivery not attempted: ${reason}`,
        JSON.stringify({ reason }),
      ]);
    });
  }

  /**
   * Ends every not-yet-finished delivery of a webhook that will never be attempted (it was disabled or deleted), each
   * with an error log saying why, in batches of `batchSize` so a large backlog never holds one long transaction.
   * Rows a worker is recording an attempt for are waited on, then re-checked. Returns how many were failed.
   * Delayed Bull jobs may remain for them; the runner skips a job whose delivery is already failed.
   */
  async failUnattemptedForWebhook(tenantId: string, webhookId: string, reason: string, batchSize = 1000): Promise<number> {
    requireTenant(tenantId);
    if (!isUuid(webhookId)) return 0;
    let total = 0;
    // Bounded: no new delivery can be recorded for a disabled or deleted webhook, so the backlog only shrinks.
    for (let batch = 0; batch < 100_000; batch++) {
      // An INSERT answers its RETURNING rows directly (an UPDATE would answer [rows, count]).
      const rows: Array<{ delivery_id: string }> = await this.db.query(
        `WITH picked AS (
           SELECT id FROM deliveries
            WHERE tenant_id = $1 AND webhook_id = $2 AND status IN ('pending', 'queued')
            ORDER BY created_at LIMIT $4 FOR UPDATE
         ), failed AS (
           UPDATE deliveries d
              SET status = 'failed', failure_reason = $3::text, next_attempt_at = NULL, completed_at = now(), updated_at = now()
             FROM picked WHERE d.id = picked.id
           RETURNING d.id
         )
         INSERT INTO error_logs (tenant_id, webhook_id, delivery_id, message, detail)
         SELECT $1, $2, failed.id, 'Delivery not attempted: ' || $3::text, jsonb_build_object('reason', $3::text) FROM failed
         RETURNING delivery_id`,
        [tenantId, webhookId, reason, batchSize],
      );
      total += rows.length;
      // Not "fewer than a batch": a row a worker finished meanwhile is skipped after its lock, shortening a batch.
      if (rows.length === 0) break;
    }
    return total;
  }
}

/**
 * A delivery that ended failed: one more consecutive failure for its endpoint (disabling it at the threshold or on a
 * 410) and an error log. Answers whether the endpoint is disabled now. Used by AttemptBatchRepository.record.
 */
export async function recordFailedDelivery(em: EntityManager, record: AttemptRecord, attempt: number): Promise<boolean> {
  const [[webhook]] = await em.query(
    `UPDATE webhooks
        SET consecutive_failures = consecutive_failures + 1,
            status = CASE WHEN $2::text IS NOT NULL OR consecutive_failures + 1 >= $3 THEN 'disabled' ELSE status END,
            disabled_reason = CASE WHEN status = 'enabled' AND ($2::text IS NOT NULL OR consecutive_failures + 1 >= $3)
                                   THEN COALESCE($2::text, 'failure threshold reached: ' || (consecutive_failures + 1) || ' consecutive failed deliveries')
                                   ELSE disabled_reason END,
            disabled_at = CASE WHEN status = 'enabled' AND ($2::text IS NOT NULL OR consecutive_failures + 1 >= $3) THEN now() ELSE disabled_at END,
            updated_at = now()
      WHERE id = $1
      RETURNING status`,
    [record.webhookId, record.disableReason, record.disableAfterFailures],
  );
  const webhookDisabled = webhook?.status === 'disabled';
  await em.query(`INSERT INTO error_logs (tenant_id, webhook_id, delivery_id, message, detail) VALUES ($1, $2, $3, $4, $5)`, [
    record.tenantId,
    record.webhookId,
    record.deliveryId,
    `Delivery failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${record.failureReason}`,
    JSON.stringify({ attempts: attempt, last_status_code: record.statusCode, last_error: record.error, url: record.url, webhook_disabled: webhookDisabled }),
  ]);
  return webhookDisabled;
}
