import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { requireTenant } from './tenant-scope';

/**
 * Deletes what has outlived RETENTION_DAYS, one tenant and at most `limit` rows per statement, so every statement is
 * its own short transaction that walks the (tenant_id, created_at) indexes and never holds a table for long.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Runs `work` holding a session advisory lock, so only one worker replica prunes at a time. The lock lives on an
   * idle connection of its own (no open transaction), so it never holds back vacuum; it goes with the session.
   */
  async withRetentionLock<T>(work: () => Promise<T>): Promise<T | null> {
    const session = this.db.createQueryRunner();
    await session.connect();
    try {
      const [{ locked }] = await session.query(`SELECT pg_try_advisory_lock(hashtext('hookline:retention')) AS locked`);
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await session.query(`SELECT pg_advisory_unlock(hashtext('hookline:retention'))`).catch(() => undefined);
      }
    } finally {
      await session.release();
    }
  }

  async tenantIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT id FROM tenants ORDER BY id`);
    return rows.map((row) => row.id);
  }

  /** Succeeded or failed deliveries finished before `cutoff`; their attempts and error logs go with them (cascade). */
  async deleteFinishedDeliveries(tenantId: string, cutoff: Date, limit: number): Promise<number> {
    return this.deleteCount(
      `DELETE FROM deliveries WHERE id IN (
         SELECT id FROM deliveries
          WHERE tenant_id = $1 AND created_at < $2 AND status IN ('succeeded', 'failed') AND COALESCE(completed_at, updated_at) < $2
          ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [requireTenant(tenantId), cutoff, limit],
    );
  }

  /** Events created before `cutoff` with no delivery left: one still pending or finished recently keeps its event. */
  async deleteSpentEvents(tenantId: string, cutoff: Date, limit: number): Promise<number> {
    return this.deleteCount(
      `DELETE FROM events WHERE id IN (
         SELECT e.id FROM events e
          WHERE e.tenant_id = $1 AND e.created_at < $2 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)
          ORDER BY e.created_at LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [requireTenant(tenantId), cutoff, limit],
    );
  }

  /** Upload records created before `cutoff`; returns their storage keys so the caller removes the files. */
  async deleteUploads(tenantId: string, cutoff: Date, limit: number): Promise<string[]> {
    const [rows] = await this.db.query(
      `DELETE FROM uploads WHERE id IN (
         SELECT id FROM uploads WHERE tenant_id = $1 AND created_at < $2 ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING storage_key`,
      [requireTenant(tenantId), cutoff, limit],
    );
    return (rows as Array<{ storage_key: string }>).map((row) => row.storage_key);
  }

  async deleteErrorLogs(tenantId: string, cutoff: Date, limit: number): Promise<number> {
    return this.deleteCount(
      `DELETE FROM error_logs WHERE id IN (
         SELECT id FROM error_logs WHERE tenant_id = $1 AND created_at < $2 ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [requireTenant(tenantId), cutoff, limit],
    );
  }

  private async deleteCount(sql: string, params: unknown[]): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = await this.db.query(sql, params);
    return Number(affected ?? 0);
  }
}
