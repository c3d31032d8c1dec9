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

/** Everything one attempt needs, loaded in one query. */
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

  async loadWork(tenantId: string, deliveryId: string): Promise<DeliveryWork | null> {
    if (!isUuid(deliveryId)) return null;
    const [row] = await this.db.query(
      `SELECT d.id AS "deliveryId", d.tenant_id AS "tenantId", d.status, d.attempt_count AS "attemptCount",
              w.id AS "webhookId", w.status AS "webhookStatus", (w.deleted_at IS NOT NULL) AS "webhookDeleted", w.url,
              w.custom_headers_enc AS "customHeadersEnc", w.custom_payload AS "customPayload", w.secret_enc AS "secretEnc",
              w.previous_secret_enc AS "previousSecretEnc", w.previous_secret_expires_at AS "previousSecretExpiresAt",
              e.id AS "eventId", et.key AS "eventTypeKey", e.data AS "eventData", e.created_at AS "eventCreatedAt",
              w.consecutive_failures AS "consecutiveFailures"
         FROM deliveries d
         JOIN webhooks w ON w.id = d.webhook_id
         JOIN events e ON e.id = d.event_id
         JOIN event_types et ON et.id = e.event_type_id
        WHERE d.tenant_id = $1 AND d.id = $2`,
      [requireTenant(tenantId), deliveryId],
    );
    return (row as DeliveryWork) ?? null;
  }

  /** The attempt row, the delivery's new state, the endpoint's failure count and, when it ends failed, the error log: one transaction. */
  async recordAttempt(record: AttemptRecord): Promise<RecordedAttempt> {
    requireTenant(record.tenantId);
    return this.db.transaction(async (em) => {
      const keep = record.result === 'recorded';
      const terminal = record.result === 'succeeded' || record.result === 'failed';
      const status: DeliveryStatus | null = keep ? null : record.result === 'retry' ? 'queued' : (record.result as DeliveryStatus);
      const [[updated]] = await em.query(
        `UPDATE deliveries
            SET attempt_count = attempt_count + 1, last_status_code = $5, last_error = $6,
                status = COALESCE($3, status),
                next_attempt_at = CASE WHEN $9::boolean THEN next_attempt_at ELSE $4 END,
                failure_reason = CASE WHEN $9::boolean THEN failure_reason ELSE $7 END,
                completed_at = CASE WHEN $9::boolean THEN completed_at WHEN $8::boolean THEN now() ELSE NULL END,
                updated_at = now()
          WHERE tenant_id = $1 AND id = $2
          RETURNING attempt_count`,
        [record.tenantId, record.deliveryId, status, record.nextAttemptAt, record.statusCode, record.error, record.failureReason, terminal, keep],
      );
      const attempt: number = updated.attempt_count;
      await em.query(
        `INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, trigger, url, status_code, duration_ms, error, response_excerpt)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [record.tenantId, record.deliveryId, attempt, record.trigger, record.url, record.statusCode, record.durationMs, record.error, record.responseExcerpt],
      );
      let webhookDisabled = false;
      if (record.result === 'succeeded' && record.resetFailures !== false) {
        await em.query(`UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`, [record.webhookId]);
      } else if (record.result === 'failed') {
        webhookDisabled = await recordFailedDelivery(em, record, attempt);
      }
      return { attempt, webhookDisabled };
    });
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
 * 410) and an error log. Answers whether the endpoint is disabled now. Shared by the single and the batched recorder.
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
