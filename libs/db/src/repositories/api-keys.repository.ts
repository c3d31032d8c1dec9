import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GroupCommit } from '@hookline/batching';
import { ApiKey } from '../entities';
import { prepared, runPrepared } from '../prepared-statement';
import { Page, paginate } from '../pagination';
import { isUuid, requireTenant } from './tenant-scope';

/** `last_active_key`: refused, the tenant would have no way in left. */
export type RevokeOutcome = { outcome: 'revoked' | 'already_revoked' | 'last_active_key'; key: ApiKey } | { outcome: 'not_found' };

/** What a tenant request needs of its key: which key, whose. */
export type ActiveKey = Pick<ApiKey, 'id' | 'tenantId'>;

const ACTIVE_KEYS = prepared(`SELECT id, tenant_id AS "tenantId", hash FROM api_keys WHERE hash = ANY($1::text[]) AND revoked_at IS NULL`, { plan: 'generic' });

@Injectable()
export class ApiKeysRepository {
  /** Every tenant request looks its key up: requests arriving together share one query. */
  private readonly lookups = new GroupCommit<string, ActiveKey | null>((hashes) => this.findActiveByHashes(hashes), { maxBatch: 500 });

  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(ApiKey);
  }

  /** The key's id and tenant, read at the time of the call (a revoked key is refused by the very next request). */
  findActiveByHash(hash: string): Promise<ActiveKey | null> {
    return this.lookups.submit(hash);
  }

  private async findActiveByHashes(hashes: string[]): Promise<Array<ActiveKey | null>> {
    const rows = await runPrepared<Array<ActiveKey & { hash: string }>>(this.db, ACTIVE_KEYS, [[...new Set(hashes)]]);
    const byHash = new Map(rows.map(({ hash, ...key }) => [hash, key]));
    return hashes.map((hash) => byHash.get(hash) ?? null);
  }

  /** At most one write a minute per key: `last_used_at` is for humans, not worth a write per request. */
  async touch(id: string): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  create(tenantId: string, key: { name: string | null; prefix: string; hash: string }): Promise<ApiKey> {
    return this.repo.save(this.repo.create({ tenantId: requireTenant(tenantId), ...key }));
  }

  page(tenantId: string, limit: number, cursor?: string): Promise<Page<ApiKey>> {
    return paginate(this.repo.createQueryBuilder('k').where('k.tenant_id = :tenantId', { tenantId: requireTenant(tenantId) }), 'k', limit, cursor);
  }

  /**
   * Revokes one of the tenant's keys unless it is the last active one. The tenant's active keys are locked first, so
   * two concurrent revocations of its last two keys cannot both succeed.
   */
  async revokeUnlessLast(tenantId: string, id: string): Promise<RevokeOutcome> {
    if (!isUuid(id)) return { outcome: 'not_found' };
    requireTenant(tenantId);
    return this.db.transaction(async (em) => {
      const active: Array<{ id: string }> = await em.query(`SELECT id FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY id FOR UPDATE`, [tenantId]);
      const key = await em.getRepository(ApiKey).findOne({ where: { tenantId, id } });
      if (!key) return { outcome: 'not_found' as const };
      if (key.revokedAt) return { outcome: 'already_revoked' as const, key };
      if (active.length <= 1) return { outcome: 'last_active_key' as const, key };
      await em.query(`UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return { outcome: 'revoked' as const, key: (await em.getRepository(ApiKey).findOne({ where: { tenantId, id } }))! };
    });
  }
}
