import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKey, Tenant } from '../entities';

@Injectable()
export class TenantsRepository {
  constructor(private readonly db: DataSource) {}

  /** The tenant and its first API key, in one transaction: a tenant never exists without a way in. */
  async createWithKey(name: string, key: { prefix: string; hash: string }): Promise<Tenant> {
    return this.db.transaction(async (em) => {
      const tenant = await em.save(em.create(Tenant, { name }));
      await em.save(em.create(ApiKey, { tenantId: tenant.id, name: 'default', prefix: key.prefix, hash: key.hash }));
      return tenant;
    });
  }
}
