import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { WebhooksRepository } from '@hookline/db';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { TenantContext } from '../common/tenant';

/** Refuses an upload to an unknown, foreign or disabled webhook before a byte of the file is stored. */
@Injectable()
export class UploadTargetGuard implements CanActivate {
  constructor(private readonly webhooks: WebhooksRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { tenant: TenantContext }>();
    // Only the status: one batched lookup (WebhooksRepository.statusOf), answered like WebhooksService.require.
    const status = await this.webhooks.statusOf(request.tenant.tenantId, String(request.params.webhook_id));
    if (status === null) throw ApiError.notFound('Webhook');
    if (status !== 'enabled') throw ApiError.conflict('webhook_disabled', 'The webhook is disabled; enable it before uploading');
    return true;
  }
}
