import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { TenantContext } from '../common/tenant';
import { WebhooksService } from '../webhooks/webhooks.service';

/** Refuses an upload to an unknown, foreign or disabled webhook before a byte of the file is stored. */
@Injectable()
export class UploadTargetGuard implements CanActivate {
  constructor(private readonly webhooks: WebhooksService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { tenant: TenantContext }>();
    const webhook = await this.webhooks.require(request.tenant.tenantId, String(request.params.webhook_id));
    if (webhook.status !== 'enabled') throw ApiError.conflict('webhook_disabled', 'The webhook is disabled; enable it before uploading');
    return true;
  }
}
