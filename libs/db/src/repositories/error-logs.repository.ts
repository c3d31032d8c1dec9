import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ErrorLog } from '../entities';
import { Page, paginate } from '../pagination';
import { AttemptRecord } from './attempt.types';
import { requireTenant } from './tenant-scope';

/** One entry of the reference design's `error_log`: a delivery that ended failed, or was never attempted. */
export interface ErrorLogEntry {
  tenantId: string;
  webhookId: string;
  deliveryId: string;
  message: string;
  detail: Record<string, unknown>;
}

/** The head of every insert into error_logs; followed by VALUES or a SELECT of the same five columns. */
export const ERROR_LOG_INSERT = 'INSERT INTO error_logs (tenant_id, webhook_id, delivery_id, message, detail)';

/** Writes one entry, in the caller's transaction. */
export async function writeErrorLog(em: EntityManager, entry: ErrorLogEntry): Promise<void> {
  await em.query(`${ERROR_LOG_INSERT} VALUES ($1, $2, $3, $4, $5)`, [entry.tenantId, entry.webhookId, entry.deliveryId, entry.message, JSON.stringify(entry.detail)]);
}

/** What the log says of a delivery whose endpoint was disabled or deleted before it could be attempted. */
export function notAttempted(reason: string): Pick<ErrorLogEntry, 'message' | 'detail'> {
  return { message: `Delivery not attempted: ${reason}`, detail: { reason } };
}

/** What the log says of a delivery that ended failed after its last attempt (or a 410). */
export function failedDeliveryLog(record: AttemptRecord, attempts: number, webhookDisabled: boolean): Pick<ErrorLogEntry, 'message' | 'detail'> {
  return {
    message: `Delivery failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${record.failureReason}`,
    detail: { attempts, last_status_code: record.statusCode, last_error: record.error, url: record.url, webhook_disabled: webhookDisabled },
  };
}

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
