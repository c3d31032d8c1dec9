import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface DueDelivery {
  id: string;
  tenantId: string;
  nextAttemptAt: Date;
}

export interface SweepPosition {
  at: Date;
  id: string;
}

/** Ids of deliveries that should have a job in Redis; the sweeper confirms each one does. */
@Injectable()
export class OutboxSweepRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Runs `work` only if no other sweeper (another worker replica) holds the outbox lock; the lock is a transaction-scoped
   * advisory lock, released however the transaction ends.
   */
  async withSweepLock<T>(work: () => Promise<T>): Promise<T | null> {
    return this.db.transaction(async (em) => {
      const [{ locked }] = await em.query(`SELECT pg_try_advisory_xact_lock(hashtext('hookline:outbox-sweep')) AS locked`);
      return locked ? work() : null;
    });
  }

  /**
   * Due deliveries after `after`, in (next_attempt_at, id) order so successive sweeps walk the whole backlog. A delivery
   * whose attempt started less than `inFlightMs` ago and has not recorded its outcome may still be in flight (even if
   * Redis lost its job), so it is left out until the attempt records or the window has passed.
   */
  async due(graceMs: number, limit: number, after: SweepPosition | null, inFlightMs: number): Promise<DueDelivery[]> {
    const rows: Array<{ id: string; tenant_id: string; next_attempt_at: Date }> = await this.db.query(
      `SELECT id, tenant_id, next_attempt_at FROM deliveries
        WHERE status IN ('pending', 'queued') AND next_attempt_at <= now() - ($1::int * interval '1 millisecond')
          AND ($2::timestamptz IS NULL OR (next_attempt_at, id) > ($2::timestamptz, $3::uuid))
          AND NOT (started_attempt > attempt_count AND attempt_started_at > now() - ($5::int * interval '1 millisecond'))
        ORDER BY next_attempt_at, id
        LIMIT $4`,
      [graceMs, after?.at ?? null, after?.id ?? null, limit, inFlightMs],
    );
    return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id, nextAttemptAt: row.next_attempt_at }));
  }
}
