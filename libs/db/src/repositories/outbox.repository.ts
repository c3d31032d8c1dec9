import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { requireTenant } from './tenant-scope';

export interface UploadRecord {
  webhookId: string;
  userId: number;
  eventTypeId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  storageKey: string;
}

export interface RecordedUpload {
  uploadId: string;
  eventId: string;
  deliveryId: string;
  /** False when the webhook vanished or was disabled between the check and the commit: nothing was written. */
  recorded: boolean;
  reason?: 'not_found' | 'disabled';
}

export interface EventRecord {
  eventTypeId: string;
  data: Record<string, unknown>;
  /** When set, only that user's webhooks receive the event. */
  userId: number | null;
  idempotencyKey: string | null;
  /** An idempotency key older than this may be used again for a new event. */
  idempotencyWindowMs: number;
}

/** `created: false` when the idempotency key already named an event within the window: nothing was written. */
export type RecordedEvent = { created: true; eventId: string; deliveryIds: string[] } | { created: false; eventId: string; deliveries: number };

/**
 * Writes what must be delivered and the delivery itself in one transaction (the outbox). Jobs are queued only after
 * the commit, by the caller; the worker's sweeper queues whatever a crash or a Redis outage left behind.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  async recordUpload(tenantId: string, upload: UploadRecord): Promise<RecordedUpload> {
    requireTenant(tenantId);
    const uploadId = randomUUID();
    const eventId = randomUUID();
    const deliveryId = randomUUID();
    return this.db.transaction(async (em) => {
      // FOR SHARE: a concurrent disable or delete waits for this commit, or this sees its result.
      const [webhook] = await em.query(
        `SELECT status FROM webhooks WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL FOR SHARE`,
        [tenantId, upload.webhookId],
      );
      if (!webhook) return { uploadId, eventId, deliveryId, recorded: false, reason: 'not_found' as const };
      if (webhook.status !== 'enabled') return { uploadId, eventId, deliveryId, recorded: false, reason: 'disabled' as const };
      await em.query(
        `INSERT INTO uploads (id, tenant_id, webhook_id, filename, content_type, size, sha256, storage_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [uploadId, tenantId, upload.webhookId, upload.filename, upload.contentType, upload.size, upload.sha256, upload.storageKey],
      );
      const data = {
        upload_id: uploadId,
        filename: upload.filename,
        content_type: upload.contentType,
        size: upload.size,
        sha256: upload.sha256,
        webhook_id: upload.webhookId,
        user_id: upload.userId,
      };
      await em.query(`INSERT INTO events (id, tenant_id, event_type_id, data, user_id) VALUES ($1, $2, $3, $4, $5)`, [
        eventId,
        tenantId,
        upload.eventTypeId,
        JSON.stringify(data),
        upload.userId,
      ]);
      await em.query(`INSERT INTO deliveries (id, tenant_id, event_id, webhook_id) VALUES ($1, $2, $3, $4)`, [
        deliveryId,
        tenantId,
        eventId,
        upload.webhookId,
      ]);
      return { uploadId, eventId, deliveryId, recorded: true };
    });
  }

  /**
   * The event and one delivery per enabled, not deleted webhook of the tenant subscribed to its type (and user), in one
   * transaction; the deliveries are written by a single INSERT ... SELECT whatever the fan-out.
   *
   * Idempotency: the unique index on (tenant_id, idempotency_key) arbitrates concurrent publishes (ON CONFLICT DO
   * NOTHING: the loser waits for the winner's commit, then reads its event). A key may be reused once its window
   * has passed: the expired event gives the key up inside this transaction, so the index never needs to know time.
   */
  async recordEvent(tenantId: string, event: EventRecord): Promise<RecordedEvent> {
    requireTenant(tenantId);
    return this.db.transaction(async (em) => {
      if (event.idempotencyKey !== null) {
        await em.query(
          `UPDATE events SET idempotency_key = NULL
            WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at <= now() - ($3::bigint * interval '1 millisecond')`,
          [tenantId, event.idempotencyKey, event.idempotencyWindowMs],
        );
      }
      const [inserted] = await em.query(
        `INSERT INTO events (id, tenant_id, event_type_id, data, user_id, idempotency_key) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
         ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id`,
        [randomUUID(), tenantId, event.eventTypeId, JSON.stringify(event.data), event.userId, event.idempotencyKey],
      );
      if (!inserted) {
        const [first] = await em.query(
          `SELECT e.id, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS deliveries
             FROM events e WHERE e.tenant_id = $1 AND e.idempotency_key = $2`,
          [tenantId, event.idempotencyKey],
        );
        if (!first) throw new Error('An idempotency key conflicted with an event that is not there');
        return { created: false as const, eventId: first.id as string, deliveries: first.deliveries as number };
      }
      const deliveries: Array<{ id: string }> = await em.query(
        `INSERT INTO deliveries (tenant_id, event_id, webhook_id)
         SELECT $1, $2, w.id FROM webhooks w
          WHERE w.tenant_id = $1 AND w.event_type_id = $3 AND w.status = 'enabled' AND w.deleted_at IS NULL
            AND ($4::int IS NULL OR w.user_id = $4::int)
         RETURNING id`,
        [tenantId, inserted.id, event.eventTypeId, event.userId],
      );
      return { created: true as const, eventId: inserted.id as string, deliveryIds: deliveries.map((row) => row.id) };
    });
  }

  /** Marks deliveries whose jobs are now in Redis; the sweeper looks for `pending` ones left behind. */
  async markQueued(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.query(`UPDATE deliveries SET status = 'queued', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [
      deliveryIds,
    ]);
  }
}
