import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid, requireTenant } from './tenant-scope';

/** A webhook as an operational event describes it: ids, its URL (the caller keeps only the host), why it is disabled. */
export interface WebhookFacts {
  id: string;
  url: string;
  userId: number;
  eventTypeId: string;
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  disabledAt: Date | null;
  /** `disabled_at` in whole microseconds: names one disable exactly (a JS Date keeps only milliseconds). */
  disabledAtUs: string | null;
  disabledByTenant: boolean;
  consecutiveFailures: number;
  deleted: boolean;
}

/** A delivery as an operational event describes it. */
export interface DeliveryFacts {
  id: string;
  eventId: string;
  eventTypeKey: string;
  webhookId: string;
  url: string;
  status: string;
  attemptCount: number;
  lastStatusCode: number | null;
  failureReason: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

/** Reads for the worker's operational events; the events themselves are written through OutboxRepository.recordEvent. */
@Injectable()
export class OperationalEventsRepository {
  constructor(private readonly db: DataSource) {}

  /** Ids of the system event types with these keys (missing keys are absent: migrations not run). */
  async systemTypeIds(keys: readonly string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; key: string }> = await this.db.query(`SELECT id, key FROM event_types WHERE tenant_id IS NULL AND key = ANY($1::text[])`, [
      [...keys],
    ]);
    return new Map(rows.map((row) => [row.key, row.id]));
  }

  /** Whether any enabled, live webhook of the tenant is subscribed to the type (the fan-out index answers it). */
  async hasSubscribers(tenantId: string, eventTypeId: string): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM webhooks WHERE tenant_id = $1 AND event_type_id = $2 AND status = 'enabled' AND deleted_at IS NULL) AS found`,
      [requireTenant(tenantId), eventTypeId],
    );
    return row.found === true;
  }

  async webhook(tenantId: string, webhookId: string): Promise<WebhookFacts | null> {
    if (!isUuid(webhookId)) return null;
    const [row] = await this.db.query(
      `SELECT id, url, user_id AS "userId", event_type_id AS "eventTypeId", status, disabled_reason AS "disabledReason",
              disabled_at AS "disabledAt", floor(extract(epoch FROM disabled_at) * 1000000)::bigint::text AS "disabledAtUs",
              disabled_by_tenant AS "disabledByTenant", consecutive_failures AS "consecutiveFailures", (deleted_at IS NOT NULL) AS deleted
         FROM webhooks WHERE tenant_id = $1 AND id = $2`,
      [requireTenant(tenantId), webhookId],
    );
    return (row as WebhookFacts) ?? null;
  }

  async delivery(tenantId: string, deliveryId: string): Promise<DeliveryFacts | null> {
    if (!isUuid(deliveryId)) return null;
    const [row] = await this.db.query(
      `SELECT d.id, d.event_id AS "eventId", et.key AS "eventTypeKey", d.webhook_id AS "webhookId", w.url, d.status,
              d.attempt_count AS "attemptCount", d.last_status_code AS "lastStatusCode", d.failure_reason AS "failureReason",
              d.next_attempt_at AS "nextAttemptAt", d.created_at AS "createdAt"
         FROM deliveries d
         JOIN webhooks w ON w.id = d.webhook_id
         JOIN events e ON e.id = d.event_id
         JOIN event_types et ON et.id = e.event_type_id
        WHERE d.tenant_id = $1 AND d.id = $2`,
      [requireTenant(tenantId), deliveryId],
    );
    return (row as DeliveryFacts) ?? null;
  }
}
