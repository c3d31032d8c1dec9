import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorLog, ErrorLogsRepository, Page } from '@hookline/db';
import { IsOptional, IsUUID } from 'class-validator';
import { DEFAULT_PAGE_SIZE, PageQuery } from '../common/pagination.dto';

export class ErrorLogsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() webhook_id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() delivery_id?: string;
}

export interface ErrorLogView {
  id: string;
  webhook_id: string | null;
  delivery_id: string | null;
  message: string;
  detail: Record<string, unknown> | null;
  created_at: string;
}

function toErrorLogView(log: ErrorLog): ErrorLogView {
  return { id: log.id, webhook_id: log.webhookId, delivery_id: log.deliveryId, message: log.message, detail: log.detail, created_at: log.createdAt.toISOString() };
}

@Injectable()
export class ErrorLogsService {
  constructor(private readonly errorLogs: ErrorLogsRepository) {}

  async list(tenantId: string, query: ErrorLogsQuery): Promise<Page<ErrorLogView>> {
    const page = await this.errorLogs.list(tenantId, { webhookId: query.webhook_id, deliveryId: query.delivery_id }, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
    return { items: page.items.map(toErrorLogView), next_cursor: page.next_cursor };
  }
}
