import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Webhook } from '../entities';
import { GroupCommit } from '@hookline/batching';
import { prepared, runPrepared } from '../prepared-statement';
import { Page, paginate } from '../pagination';
import { isUuid, requireTenant } from './tenant-scope';

export interface WebhookFilter {
  userId?: number;
  eventTypeId?: string;
  status?: string;
}

type WebhookStatus = Webhook['status'];

const LIVE_STATUSES = prepared(`SELECT tenant_id, id, status FROM webhooks WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`);

@Injectable()
export class WebhooksRepository {
  /** Every upload checks its target first: uploads arriving together share one query. */
  private readonly statuses = new GroupCommit<{ tenantId: string; id: string }, WebhookStatus | null>((wanted) => this.statusesOf(wanted), { maxBatch: 500 });

  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(Webhook);
  }

  /**
   * Registers a webhook unless the tenant already has `cap` (deleted ones do not count): null then. Registrations of one
   * tenant queue on a transaction-scoped advisory lock, so two at once cannot both take the last place.
   */
  async create(tenantId: string, fields: Omit<Partial<Webhook>, 'tenantId'>, cap: number): Promise<Webhook | null> {
    requireTenant(tenantId);
    return this.db.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('hookline:webhooks:' || $1::text))`, [tenantId]);
      const [{ count }] = await em.query(`SELECT count(*)::int AS count FROM webhooks WHERE tenant_id = $1 AND deleted_at IS NULL`, [tenantId]);
      if (count >= cap) return null;
      const repo = em.getRepository(Webhook);
      return repo.save(repo.create({ ...fields, tenantId }));
    });
  }

  async getById(tenantId: string, id: string): Promise<Webhook | null> {
    if (!isUuid(id)) return null;
    return this.repo
      .createQueryBuilder('w')
      .where('w.tenant_id = :tenantId AND w.id = :id AND w.deleted_at IS NULL', { tenantId: requireTenant(tenantId), id })
      .getOne();
  }

  /** The live webhook's status, or null when it is missing, foreign or deleted. */
  async statusOf(tenantId: string, id: string): Promise<WebhookStatus | null> {
    if (!isUuid(id)) return null;
    return this.statuses.submit({ tenantId: requireTenant(tenantId), id });
  }

  private async statusesOf(wanted: Array<{ tenantId: string; id: string }>): Promise<Array<WebhookStatus | null>> {
    const rows = await runPrepared<Array<{ tenant_id: string; id: string; status: WebhookStatus }>>(this.db, LIVE_STATUSES, [[...new Set(wanted.map((w) => w.id))]]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return wanted.map((w) => {
      const row = byId.get(w.id);
      return row && row.tenant_id === w.tenantId ? row.status : null;
    });
  }

  list(tenantId: string, filter: WebhookFilter, limit: number, cursor?: string): Promise<Page<Webhook>> {
    const qb = this.repo.createQueryBuilder('w').where('w.tenant_id = :tenantId AND w.deleted_at IS NULL', { tenantId: requireTenant(tenantId) });
    if (filter.userId !== undefined) qb.andWhere('w.user_id = :userId', { userId: filter.userId });
    if (filter.eventTypeId !== undefined) qb.andWhere('w.event_type_id = :eventTypeId', { eventTypeId: filter.eventTypeId });
    if (filter.status !== undefined) qb.andWhere('w.status = :status', { status: filter.status });
    return paginate(qb, 'w', limit, cursor);
  }

  /** Changes a live webhook; false when it is missing, foreign or deleted. */
  async update(tenantId: string, id: string, fields: Partial<Webhook>): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.repo.update({ tenantId: requireTenant(tenantId), id, deletedAt: IsNull() }, fields as QueryDeepPartialEntity<Webhook>);
    return (result.affected ?? 0) > 0;
  }

  /**
   * Makes `secretEnc` the current secret and keeps the one it replaces as the previous secret until now + grace.
   * One statement, so two concurrent rotations serialise on the row: the previous secret is always the one that was
   * current just before, and an older previous secret is dropped (rotating twice within the grace ends the first
   * secret's grace at once). Null when the webhook is missing, foreign or deleted.
   */
  async rotateSecret(tenantId: string, id: string, secretEnc: string, graceMs: number): Promise<{ previousSecretExpiresAt: Date } | null> {
    if (!isUuid(id)) return null;
    const [rows] = await this.db.query(
      `UPDATE webhooks
          SET previous_secret_enc = secret_enc, secret_enc = $3,
              previous_secret_expires_at = now() + make_interval(secs => $4::double precision / 1000), updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
        RETURNING previous_secret_expires_at`,
      [requireTenant(tenantId), id, secretEnc, graceMs],
    );
    const [row] = rows as Array<{ previous_secret_expires_at: Date }>;
    return row ? { previousSecretExpiresAt: new Date(row.previous_secret_expires_at) } : null;
  }

  /**
   * Disables a live webhook with a reason. An already disabled webhook keeps its first reason and time, so a manual
   * disable does not hide why the platform disabled it. Waits for uploads holding the row FOR SHARE: once this
   * returns, no new delivery to the webhook can be recorded. False when missing, foreign or deleted.
   * Marked as the tenant's own disable either way: the recovery probe leaves it alone from now on.
   */
  async disable(tenantId: string, id: string, reason: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const [rows] = await this.db.query(
      `UPDATE webhooks
          SET disabled_reason = CASE WHEN status = 'enabled' THEN $3 ELSE disabled_reason END,
              disabled_at = CASE WHEN status = 'enabled' THEN now() ELSE disabled_at END,
              status = 'disabled', disabled_by_tenant = true, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
        RETURNING id`,
      [requireTenant(tenantId), id, reason],
    );
    return (rows as unknown[]).length > 0;
  }

  /** Re-enables a live webhook with a clean slate: no failure count, no disable reason. */
  async enable(tenantId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const [rows] = await this.db.query(
      `UPDATE webhooks
          SET status = 'enabled', consecutive_failures = 0, disabled_reason = NULL, disabled_at = NULL, disabled_by_tenant = false,
              last_probe_at = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
        RETURNING id`,
      [requireTenant(tenantId), id],
    );
    return (rows as unknown[]).length > 0;
  }

  /**
   * Soft delete: the row stays for the delivery history, but every lookup here treats it as gone. Nothing will be
   * signed for it again, so a previous secret still in its grace is dropped. False when already gone.
   */
  async softDelete(tenantId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const [rows] = await this.db.query(
      `UPDATE webhooks SET deleted_at = now(), previous_secret_enc = NULL, previous_secret_expires_at = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
        RETURNING id`,
      [requireTenant(tenantId), id],
    );
    return (rows as unknown[]).length > 0;
  }
}
