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

  /** Marks deliveries whose jobs are now in Redis; the sweeper looks for `pending` ones left behind. */
  async markQueued(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.query(`UPDATE deliveries SET status = 'queued', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [
      deliveryIds,
    ]);
  }
}
