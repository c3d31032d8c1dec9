import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { requireTenant } from './tenant-scope';

/** What the attempt log says about an attempt that started and never recorded its outcome. */
export const INTERRUPTED_ATTEMPT_ERROR = 'interrupted: the attempt started but its outcome was never recorded (worker stopped or lost the database mid-attempt)';

/**
 * Marks each scheduled attempt as started before its request goes out. AttemptBatchRepository.record moves
 * attempt_count up to the started number, so "started_attempt > attempt_count" means an attempt began and never
 * recorded its outcome: the worker was killed, or lost PostgreSQL after sending. Costs one primary-key UPDATE per attempt.
 */
@Injectable()
export class AttemptJournalRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Marks the delivery's next attempt as started. If the previous start was never recorded, that attempt is first
   * written to the log as interrupted (dated when it began, counted in attempt_count); its number is returned.
   */
  async begin(tenantId: string, deliveryId: string, url: string): Promise<{ interrupted: number | null }> {
    requireTenant(tenantId);
    if (await this.mark(tenantId, deliveryId)) return { interrupted: null };
    // One statement: the delivery's count and the attempt row change together or not at all.
    const rows: Array<{ attempt: number }> = await this.db.query(
      `WITH interrupted AS (
         UPDATE deliveries SET attempt_count = attempt_count + 1, last_status_code = NULL, last_error = $3, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND started_attempt > attempt_count
          RETURNING tenant_id, id, attempt_count, attempt_started_at
       )
       INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, trigger, url, status_code, duration_ms, error, created_at)
       SELECT tenant_id, id, attempt_count, 'scheduled', $4, NULL, 0, $3, COALESCE(attempt_started_at, now()) FROM interrupted
       RETURNING attempt`,
      [tenantId, deliveryId, INTERRUPTED_ATTEMPT_ERROR, url],
    );
    await this.mark(tenantId, deliveryId);
    return { interrupted: rows[0]?.attempt ?? null };
  }

  /** False when the last started attempt has no recorded outcome (or the delivery is gone). */
  private async mark(tenantId: string, deliveryId: string): Promise<boolean> {
    const [rows] = await this.db.query(
      `UPDATE deliveries SET started_attempt = attempt_count + 1, attempt_started_at = now()
        WHERE tenant_id = $1 AND id = $2 AND started_attempt <= attempt_count
        RETURNING id`,
      [tenantId, deliveryId],
    );
    return (rows as unknown[]).length === 1;
  }
}
