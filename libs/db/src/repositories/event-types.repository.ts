import { Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { EventType } from '../entities';
import { isUuid, requireTenant } from './tenant-scope';

@Injectable()
export class EventTypesRepository {
  constructor(private readonly db: DataSource) {}

  private visible(tenantId: string) {
    requireTenant(tenantId);
    return this.db
      .getRepository(EventType)
      .createQueryBuilder('et')
      .where(new Brackets((w) => w.where('et.tenant_id IS NULL').orWhere('et.tenant_id = :tenantId', { tenantId })));
  }

  /** System types and the tenant's own, system first. */
  listVisible(tenantId: string, includeArchived = false): Promise<EventType[]> {
    const qb = this.visible(tenantId);
    if (!includeArchived) qb.andWhere('et.archived_at IS NULL');
    return qb.orderBy('et.tenant_id IS NULL', 'DESC').addOrderBy('et.key', 'ASC').getMany();
  }

  async getVisible(tenantId: string, id: string): Promise<EventType | null> {
    if (!isUuid(id)) return null;
    return this.visible(tenantId).andWhere('et.id = :id', { id }).getOne();
  }

  getSystem(key: string): Promise<EventType | null> {
    return this.db.getRepository(EventType).createQueryBuilder('et').where('et.tenant_id IS NULL AND et.key = :key', { key }).getOne();
  }
}
