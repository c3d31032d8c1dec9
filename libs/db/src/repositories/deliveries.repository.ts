import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Delivery, DeliveryAttempt, DeliveryStatus } from '../entities';
import { Page, paginate } from '../pagination';
import { ERROR_LOG_INSERT, notAttempted, writeErrorLog } from './error-logs.repository';
import { isUuid, requireTenant } from './tenant-scope';

export interface DeliveryFilter {
  webhookId?: string;
  eventId?: string;
  status?: DeliveryStatus;
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
      await writeErrorLog(em, { tenantId, webhookId, deliveryId, ...notAttempted(reason) });
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
         ${ERROR_LOG_INSERT} SELECT $1, $2, failed.id, $5::text, $6::jsonb FROM failed
         RETURNING delivery_id`,
        [tenantId, webhookId, reason, batchSize, notAttempted(reason).message, JSON.stringify(notAttempted(reason).detail)],
      );
      total += rows.length;
      // Not "fewer than a batch": a row a worker finished meanwhile is skipped after its lock, shortening a batch.
      if (rows.length === 0) break;
    }
    return total;
  }
}
