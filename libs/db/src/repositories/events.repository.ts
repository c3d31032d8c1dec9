import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { requireTenant } from './tenant-scope';

export interface PublishedEvent {
  eventId: string;
  /** How many deliveries the event fanned out to when it was published. */
  deliveries: number;
}

@Injectable()
export class EventsRepository {
  constructor(private readonly db: DataSource) {}

  /** The event published under this idempotency key within the window, if any. */
  async findByIdempotencyKey(tenantId: string, idempotencyKey: string, windowMs: number): Promise<PublishedEvent | null> {
    const [row] = await this.db.query(
      `SELECT e.id, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS deliveries
         FROM events e
        WHERE e.tenant_id = $1 AND e.idempotency_key = $2 AND e.created_at > now() - ($3::bigint * interval '1 millisecond')`,
      [requireTenant(tenantId), idempotencyKey, windowMs],
    );
    return row ? { eventId: row.id, deliveries: row.deliveries } : null;
  }
}
