import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { DeliveriesRepository, WebhooksRepository } from '@hookline/db';
import { Cipher, generateSecret, webhookSecretBinding } from '@hookline/signing';
import { ApiError } from '../common/api-error';
import { toWebhookView, WebhookView } from './webhook.view';
import { WebhooksService } from './webhooks.service';

export interface RotatedSecret {
  secret: string;
  previous_secret_expires_at: string;
}

export interface DeletedWebhook {
  id: string;
  deleted: true;
  /** Deliveries that were still waiting and ended `failed` with reason `endpoint_deleted`. */
  failed_deliveries: number;
}

const MANUAL_DISABLE_REASON = 'disabled by API request';

/** An endpoint over its lifetime: secret rotation, disable/enable, delete. */
@Injectable()
export class WebhookLifecycleService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly lookup: WebhooksService,
    private readonly cipher: Cipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A new current secret; the replaced one keeps signing (one extra `v1,` signature per delivery) until the grace
   * ends. Only one previous secret is kept: rotating again within the grace drops the oldest at once.
   */
  async rotateSecret(tenantId: string, id: string): Promise<RotatedSecret> {
    const secret = generateSecret();
    const rotated = await this.webhooks.rotateSecret(tenantId, id, this.cipher.encrypt(secret, webhookSecretBinding(tenantId, id)), this.config.secretRotationGraceMs);
    if (!rotated) throw ApiError.notFound('Webhook');
    return { secret, previous_secret_expires_at: rotated.previousSecretExpiresAt.toISOString() };
  }

  async getSecret(tenantId: string, id: string): Promise<{ secret: string }> {
    const webhook = await this.lookup.require(tenantId, id);
    return { secret: this.cipher.decrypt(webhook.secretEnc, webhookSecretBinding(tenantId, webhook.id)) };
  }

  /**
   * Waiting deliveries end `failed` (endpoint_disabled) now rather than when the worker next picks each up, which
   * for a delayed retry could be hours away. The worker does the same for any it meets later.
   */
  async disable(tenantId: string, id: string, reason?: string): Promise<WebhookView> {
    if (!(await this.webhooks.disable(tenantId, id, reason ?? MANUAL_DISABLE_REASON))) throw ApiError.notFound('Webhook');
    await this.deliveries.failUnattemptedForWebhook(tenantId, id, 'endpoint_disabled');
    return this.view(tenantId, id);
  }

  /** Deliveries that failed while disabled stay failed; `POST /v1/webhooks/{id}/recover` re-sends them on request. */
  async enable(tenantId: string, id: string): Promise<WebhookView> {
    if (!(await this.webhooks.enable(tenantId, id))) throw ApiError.notFound('Webhook');
    return this.view(tenantId, id);
  }

  async remove(tenantId: string, id: string): Promise<DeletedWebhook> {
    if (!(await this.webhooks.softDelete(tenantId, id))) throw ApiError.notFound('Webhook');
    const failed = await this.deliveries.failUnattemptedForWebhook(tenantId, id, 'endpoint_deleted');
    return { id, deleted: true, failed_deliveries: failed };
  }

  private async view(tenantId: string, id: string): Promise<WebhookView> {
    return toWebhookView(await this.lookup.require(tenantId, id), this.cipher);
  }
}
