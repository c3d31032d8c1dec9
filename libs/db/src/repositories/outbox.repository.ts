import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../data-source';
import { GroupCommit } from '@hookline/batching';
import { prepared, runPrepared } from '../prepared-statement';
import { isUuid, requireTenant } from './tenant-scope';

export interface UploadRecord {
  webhookId: string;
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
  /** The event's data as JSON text: serialised once, by the caller that also measured it. */
  dataJson: string;
  /** When set, only that user's webhooks receive the event. */
  userId: number | null;
  idempotencyKey: string | null;
  /** An idempotency key older than this may be used again for a new event. */
  idempotencyWindowMs: number;
}

interface PendingUpload {
  tenantId: string;
  upload: UploadRecord;
  uploadId: string;
  eventId: string;
  deliveryId: string;
}

/** `created: false` when the idempotency key already named an event within the window: nothing was written. */
export type RecordedEvent = { created: true; eventId: string; deliveryIds: string[] } | { created: false; eventId: string; deliveries: number };

/** Publishes without an idempotency key: the events and their deliveries, many publishes in one statement. */
const PUBLISH = prepared(
  `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int[]) WITH ORDINALITY AS r(id, tenant_id, event_type_id, data, user_id, n)
       ), inserted AS (
         INSERT INTO events (id, tenant_id, event_type_id, data, user_id) SELECT id, tenant_id, event_type_id, data::jsonb, user_id FROM r
         RETURNING id
       ), fanned AS (
         INSERT INTO deliveries (tenant_id, event_id, webhook_id)
         SELECT r.tenant_id, r.id, w.id FROM r JOIN webhooks w
             ON w.tenant_id = r.tenant_id AND w.event_type_id = r.event_type_id AND w.status = 'enabled' AND w.deleted_at IS NULL
            AND (r.user_id IS NULL OR w.user_id = r.user_id)
         RETURNING id, event_id
       ), grouped AS (
         SELECT event_id, array_agg(id) AS delivery_ids FROM fanned GROUP BY event_id
       )
       SELECT r.n, COALESCE(grouped.delivery_ids, '{}') AS delivery_ids
         FROM r JOIN inserted ON inserted.id = r.id LEFT JOIN grouped ON grouped.event_id = r.id`,
  { plan: 'generic' },
);

/** Uploads: the webhook held FOR SHARE, then the upload, its event and delivery where it is enabled. */
const RECORD_UPLOADS = prepared(`WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::uuid[],
                              $10::uuid[], $11::text[], $12::uuid[])
           WITH ORDINALITY AS r(tenant_id, webhook_id, upload_id, filename, content_type, size, sha256, storage_key, event_id, event_type_id,
                                data, delivery_id, n)
       ), w AS MATERIALIZED (
         SELECT r.n, wh.user_id, wh.status FROM r
           JOIN webhooks wh ON wh.tenant_id = r.tenant_id AND wh.id = r.webhook_id AND wh.deleted_at IS NULL
          WHERE wh.id = ANY($2::uuid[])
            FOR SHARE OF wh
       ), ok AS MATERIALIZED (
         SELECT r.*, w.user_id FROM r JOIN w ON w.n = r.n WHERE w.status = 'enabled'
       ), up AS (
         INSERT INTO uploads (id, tenant_id, webhook_id, filename, content_type, size, sha256, storage_key)
         SELECT upload_id, tenant_id, webhook_id, filename, content_type, size, sha256, storage_key FROM ok
       ), ev AS (
         INSERT INTO events (id, tenant_id, event_type_id, data, user_id)
         SELECT event_id, tenant_id, event_type_id, data::jsonb || jsonb_build_object('user_id', user_id), user_id FROM ok
       ), dl AS (
         INSERT INTO deliveries (id, tenant_id, event_id, webhook_id) SELECT delivery_id, tenant_id, event_id, webhook_id FROM ok
       )
       SELECT r.n, w.status FROM r LEFT JOIN w ON w.n = r.n`);

const MARK_QUEUED = prepared(`UPDATE deliveries SET status = 'queued', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`);

/**
 * Writes what must be delivered and the delivery itself in one transaction (the outbox). Jobs are queued only after
 * the commit, by the caller; the worker's sweeper queues whatever a crash or a Redis outage left behind.
 */
@Injectable()
export class OutboxRepository {
  private readonly publishes = new GroupCommit<{ tenantId: string; event: EventRecord }, RecordedEvent>((items) => this.recordEventsWithoutKey(items), {
    maxBatch: 200,
    retrySingly: (error) => !isDatabaseUnavailable(error),
  });

  private readonly uploads = new GroupCommit<PendingUpload, string | null>((items) => this.recordUploads(items), {
    maxBatch: 200,
    retrySingly: (error) => !isDatabaseUnavailable(error),
  });

  constructor(private readonly db: DataSource) {}

  /**
   * The upload, its `file.uploaded` event (whose user is the webhook's) and its delivery, written only if the webhook
   * is there and enabled. The webhook row is read FOR SHARE: a concurrent disable or delete waits for this commit, or
   * this sees its result. Uploads arriving together share one statement (group commit), atomic on its own.
   */
  async recordUpload(tenantId: string, upload: UploadRecord): Promise<RecordedUpload> {
    requireTenant(tenantId);
    const ids = { uploadId: randomUUID(), eventId: randomUUID(), deliveryId: randomUUID() };
    if (!isUuid(upload.webhookId)) return { ...ids, recorded: false, reason: 'not_found' };
    const status = await this.uploads.submit({ tenantId, upload, ...ids });
    if (status === null) return { ...ids, recorded: false, reason: 'not_found' };
    if (status !== 'enabled') return { ...ids, recorded: false, reason: 'disabled' };
    return { ...ids, recorded: true };
  }

  /** Answers, per upload, the webhook's status when the statement ran (null: not there); written where `enabled`. */
  private async recordUploads(items: PendingUpload[]): Promise<Array<string | null>> {
    const column = <T>(pick: (item: PendingUpload) => T) => items.map(pick);
    const rows = await runPrepared<Array<{ n: string; status: string | null }>>(this.db, RECORD_UPLOADS, [
      column((i) => i.tenantId),
      column((i) => i.upload.webhookId),
      column((i) => i.uploadId),
      column((i) => i.upload.filename),
      column((i) => i.upload.contentType),
      column((i) => i.upload.size),
      column((i) => i.upload.sha256),
      column((i) => i.upload.storageKey),
      column((i) => i.eventId),
      column((i) => i.upload.eventTypeId),
      column((i) =>
        JSON.stringify({
          upload_id: i.uploadId,
          filename: i.upload.filename,
          content_type: i.upload.contentType,
          size: i.upload.size,
          sha256: i.upload.sha256,
          webhook_id: i.upload.webhookId,
        }),
      ),
      column((i) => i.deliveryId),
    ]);
    const byIndex = new Map(rows.map((row) => [Number(row.n) - 1, row.status]));
    return items.map((_, index) => byIndex.get(index) ?? null);
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
    if (event.idempotencyKey === null) return this.publishes.submit({ tenantId, event });
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
        [randomUUID(), tenantId, event.eventTypeId, event.dataJson, event.userId, event.idempotencyKey],
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

  /**
   * The usual publish, without an idempotency key. Publishes arriving together are written by one statement (group
   * commit: one round trip instead of four each — BEGIN, two INSERTs, COMMIT); a statement is atomic, and a caller is
   * answered only once the statement holding its event has committed. A failed batch is retried event by event.
   */
  private async recordEventsWithoutKey(items: Array<{ tenantId: string; event: EventRecord }>): Promise<RecordedEvent[]> {
    const ids = items.map(() => randomUUID());
    const rows = await runPrepared<Array<{ n: string; delivery_ids: string[] }>>(this.db, PUBLISH, [
      ids,
      items.map((item) => item.tenantId),
      items.map((item) => item.event.eventTypeId),
      items.map((item) => item.event.dataJson),
      items.map((item) => item.event.userId),
    ]);
    const byIndex = new Map(rows.map((row) => [Number(row.n) - 1, row.delivery_ids]));
    return items.map((_, index) => ({ created: true as const, eventId: ids[index], deliveryIds: byIndex.get(index) ?? [] }));
  }

  /** Marks deliveries whose jobs are now in Redis; the sweeper looks for `pending` ones left behind. */
  async markQueued(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await runPrepared(this.db, MARK_QUEUED, [deliveryIds]);
  }
}
