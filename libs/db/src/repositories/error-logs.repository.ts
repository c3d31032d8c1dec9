import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorLog } from '../entities';
import { Page, paginate } from '../pagination';
import { requireTenant } from './tenant-scope';

@Injectable()
export class ErrorLogsRepository {
  constructor(private readonly db: DataSource) {}

  list(tenantId: string, filter: { webhookId?: string; deliveryId?: string }, limit: number, cursor?: string): Promise<Page<ErrorLog>> {
    const qb = this.db.getRepository(ErrorLog).createQueryBuilder('l').where('l.tenant_id = :tenantId', { tenantId: requireTenant(tenantId) });
    if (filter.webhookId) qb.andWhere('l.webhook_id = :webhookId', { webhookId: filter.webhookId });
    if (filter.deliveryId) qb.andWhere('l.delivery_id = :deliveryId', { deliveryId: filter.deliveryId });
    return paginate(qb, 'l', limit, cursor);
  }
}
