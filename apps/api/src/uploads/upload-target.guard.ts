import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { WebhooksRepository } from '@hookline/db';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { ExpiringCache } from '../cache/expiring-cache';
import { TenantContext } from '../common/tenant';

/** How long this process trusts that a webhook it found enabled still is, for this check only. */
export const ENABLED_TARGET_TTL_MS = 5000;
const MAX_ENABLED_TARGETS = 10_000;

/**
 * Refuses an upload to an unknown, foreign or disabled webhook before a byte of the file is stored.
 *
 * Only "enabled" is remembered, for ENABLED_TARGET_TTL_MS: this check saves reading a file that would be refused;
 * it is not the one that decides. The statement that records the upload reads the webhook again (FOR SHARE) and
 * answers the same 404 or 409 itself, removing the stored file. So a webhook disabled or deleted in the last
 * seconds costs at most a file stored and removed, never a wrong answer; and a webhook this process has not seen
 * enabled (unknown, disabled, foreign) is looked up every time.
 */
@Injectable()
export class UploadTargetGuard implements CanActivate {
  private readonly enabled = new ExpiringCache<string, true>(ENABLED_TARGET_TTL_MS, MAX_ENABLED_TARGETS);

  constructor(private readonly webhooks: WebhooksRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { tenant: TenantContext }>();
    const tenantId = request.tenant.tenantId;
    const webhookId = String(request.params.webhook_id);
    const key = `${tenantId}/${webhookId}`;
    if (this.enabled.get(key)) return true;
    // Only the status: one batched lookup (WebhooksRepository.statusOf), answered like WebhooksService.require.
    const status = await this.webhooks.statusOf(tenantId, webhookId);
    if (status === null) throw ApiError.notFound('Webhook');
    if (status !== 'enabled') throw webhookDisabled();
    this.enabled.set(key, true);
    return true;
  }
}

/** The same answer whichever check finds the webhook disabled. */
export function webhookDisabled(): ApiError {
  return ApiError.conflict('webhook_disabled', 'The webhook is disabled; enable it before uploading');
}
