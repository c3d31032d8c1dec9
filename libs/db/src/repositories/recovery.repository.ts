import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { requireTenant } from './tenant-scope';

/** A webhook the platform disabled, due for its recovery probe: what signing and sending the probe needs. */
export interface ProbeTarget {
  webhookId: string;
  tenantId: string;
  url: string;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  customHeadersEnc: string | null;
  disabledReason: string | null;
  disabledAt: Date;
  /** `disabled_at` in whole microseconds: re-enabling checks the webhook is still in this very disable. */
  disabledAtUs: string;
}

const PROBE_LOCK = `hashtext('hookline:recovery-probe')`;

/** Auto-recovery of webhooks the platform disabled (failure threshold, 410 Gone); never those a tenant disabled. */
@Injectable()
export class RecoveryRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Runs `work` holding a session advisory lock, so one worker replica probes at a time. The lock lives on an idle
   * connection of its own (no transaction stays open while probes wait on slow endpoints).
   */
  async withProbeLock<T>(work: () => Promise<T>): Promise<T | null> {
    const session = this.db.createQueryRunner();
    await session.connect();
    try {
      const [{ locked }] = await session.query(`SELECT pg_try_advisory_lock(${PROBE_LOCK}) AS locked`);
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await session.query(`SELECT pg_advisory_unlock(${PROBE_LOCK})`).catch(() => undefined);
      }
    } finally {
      await session.release();
    }
  }

  /**
   * Webhooks whose last probe (or, before the first, whose disabling) is at least `intervalMs` old, oldest first,
   * marked probed now in the same statement: each is claimed once per interval whatever happens to its probe.
   */
  async claimDue(intervalMs: number, limit: number): Promise<ProbeTarget[]> {
    const [rows] = await this.db.query(
      `UPDATE webhooks w SET last_probe_at = now()
         FROM (SELECT id FROM webhooks
                WHERE status = 'disabled' AND deleted_at IS NULL AND NOT disabled_by_tenant AND disabled_at IS NOT NULL
                  AND COALESCE(last_probe_at, disabled_at) <= now() - ($1::bigint * interval '1 millisecond')
                ORDER BY COALESCE(last_probe_at, disabled_at)
                LIMIT $2 FOR UPDATE SKIP LOCKED) due
        WHERE w.id = due.id
        RETURNING w.id AS "webhookId", w.tenant_id AS "tenantId", w.url, w.secret_enc AS "secretEnc",
                  w.previous_secret_enc AS "previousSecretEnc", w.previous_secret_expires_at AS "previousSecretExpiresAt",
                  w.custom_headers_enc AS "customHeadersEnc", w.disabled_reason AS "disabledReason", w.disabled_at AS "disabledAt",
                  floor(extract(epoch FROM w.disabled_at) * 1000000)::bigint::text AS "disabledAtUs"`,
      [intervalMs, limit],
    );
    return rows as ProbeTarget[];
  }

  /**
   * Enables the webhook with a clean slate, only if it is still in the disable that was probed (not deleted, not
   * disabled by its tenant meanwhile, not enabled and disabled again). False when anything changed.
   */
  async reenable(tenantId: string, webhookId: string, disabledAtUs: string): Promise<boolean> {
    const [rows] = await this.db.query(
      `UPDATE webhooks
          SET status = 'enabled', consecutive_failures = 0, disabled_reason = NULL, disabled_at = NULL, last_probe_at = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'disabled' AND deleted_at IS NULL AND NOT disabled_by_tenant
          AND floor(extract(epoch FROM disabled_at) * 1000000)::bigint = $3::bigint
        RETURNING id`,
      [requireTenant(tenantId), webhookId, disabledAtUs],
    );
    return (rows as unknown[]).length > 0;
  }

  /**
   * Re-opens, oldest first and `batchSize` at a time, the webhook's deliveries that ended failed since it was disabled
   * (the one that tipped it over, and those failed `endpoint_disabled` while it was off) and were created since
   * `createdSince`; `each` queues every batch, in order of creation, once it is committed. Returns how many.
   */
  async reopenMissed(
    tenantId: string,
    webhookId: string,
    window: { failedSince: Date; createdSince: Date },
    batchSize: number,
    each: (ids: string[]) => Promise<void>,
  ): Promise<number> {
    requireTenant(tenantId);
    let total = 0;
    // Bounded: a re-opened delivery is no longer `failed`, so every batch shrinks what is left.
    for (let batch = 0; batch < 100_000; batch++) {
      const [rows] = await this.db.query(
        `UPDATE deliveries d SET status = 'pending', failure_reason = NULL, completed_at = NULL, next_attempt_at = now(), updated_at = now()
           FROM (SELECT id FROM deliveries
                  WHERE tenant_id = $1 AND webhook_id = $2 AND status = 'failed' AND completed_at >= $3 AND created_at >= $4
                  ORDER BY created_at, id LIMIT $5 FOR UPDATE SKIP LOCKED) missed
          WHERE d.id = missed.id
          RETURNING d.id, floor(extract(epoch FROM d.created_at) * 1000000)::bigint::text AS created_us`,
        [tenantId, webhookId, window.failedSince, window.createdSince, batchSize],
      );
      // RETURNING follows no ORDER BY: the batch is put back in order of creation here.
      const reopened = (rows as Array<{ id: string; created_us: string }>).sort((a, b) => {
        const order = BigInt(a.created_us) - BigInt(b.created_us);
        return order === 0n ? a.id.localeCompare(b.id) : order < 0n ? -1 : 1;
      });
      if (reopened.length === 0) return total;
      total += reopened.length;
      await each(reopened.map((row) => row.id));
      if (reopened.length < batchSize) return total;
    }
    return total;
  }
}
