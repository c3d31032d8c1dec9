import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { ApiKey } from '../entities';
import { isUuid, requireTenant } from './tenant-scope';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(ApiKey);
  }

  findActiveByHash(hash: string): Promise<ApiKey | null> {
    return this.repo.findOne({ where: { hash, revokedAt: IsNull() } });
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

  list(tenantId: string): Promise<ApiKey[]> {
    return this.repo.find({ where: { tenantId: requireTenant(tenantId) }, order: { createdAt: 'DESC' } });
  }

  async revoke(tenantId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.repo.update({ tenantId: requireTenant(tenantId), id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}
