import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Webhook } from '../entities';
import { Page, paginate } from '../pagination';
import { isUuid, requireTenant } from './tenant-scope';

export interface WebhookFilter {
  userId?: number;
  eventTypeId?: string;
  status?: string;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(Webhook);
  }

  create(tenantId: string, fields: Omit<Partial<Webhook>, 'tenantId'>): Promise<Webhook> {
    return this.repo.save(this.repo.create({ ...fields, tenantId: requireTenant(tenantId) }));
  }

  async getById(tenantId: string, id: string): Promise<Webhook | null> {
    if (!isUuid(id)) return null;
    return this.repo
      .createQueryBuilder('w')
      .where('w.tenant_id = :tenantId AND w.id = :id AND w.deleted_at IS NULL', { tenantId: requireTenant(tenantId), id })
      .getOne();
  }

  list(tenantId: string, filter: WebhookFilter, limit: number, cursor?: string): Promise<Page<Webhook>> {
    const qb = this.repo.createQueryBuilder('w').where('w.tenant_id = :tenantId AND w.deleted_at IS NULL', { tenantId: requireTenant(tenantId) });
    if (filter.userId !== undefined) qb.andWhere('w.user_id = :userId', { userId: filter.userId });
    if (filter.eventTypeId !== undefined) qb.andWhere('w.event_type_id = :eventTypeId', { eventTypeId: filter.eventTypeId });
    if (filter.status !== undefined) qb.andWhere('w.status = :status', { status: filter.status });
    return paginate(qb, 'w', limit, cursor);
  }

  async update(tenantId: string, id: string, fields: Partial<Webhook>): Promise<void> {
    await this.repo.update({ tenantId: requireTenant(tenantId), id }, fields as QueryDeepPartialEntity<Webhook>);
  }
}
