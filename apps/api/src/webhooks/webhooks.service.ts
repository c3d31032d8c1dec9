import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { EventTypesRepository, Page, Webhook, WebhooksRepository } from '@hookline/db';
import { AddressPolicy, BlockedTargetError, checkTarget, RuleViolation } from '@hookline/webhook-rules';
import { Cipher, generateSecret, webhookHeadersBinding, webhookSecretBinding } from '@hookline/signing';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../common/api-error';
import { DEFAULT_PAGE_SIZE } from '../common/pagination.dto';
import { RegisterWebhookDto } from './dto/register-webhook.dto';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { toWebhookView, WebhookView } from './webhook.view';

/**
 * Said with every refused address: SSRF protection refuses private, loopback and link-local targets, which is exactly
 * what a receiver on a developer's own machine is.
 */
const PRIVATE_TARGETS_HINT =
  ' (Hookline refuses private, loopback and link-local targets; on a development machine start it with ' +
  'ALLOW_PRIVATE_TARGETS=true, or allow one range with ALLOWED_PRIVATE_CIDRS)';

@Injectable()
export class WebhooksService {
  private readonly policy: AddressPolicy;
  private readonly maxWebhooks: number;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly eventTypes: EventTypesRepository,
    private readonly cipher: Cipher,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = { allowPrivate: config.allowPrivateTargets, allowedCidrs: config.allowedPrivateCidrs, allowedPorts: config.allowedTargetPorts };
    this.maxWebhooks = config.maxWebhooksPerTenant;
  }

  async register(tenantId: string, input: RegisterWebhookDto): Promise<WebhookView> {
    const violations: RuleViolation[] = [];
    const eventType = await this.eventTypes.getVisible(tenantId, input.event_type_id);
    if (!eventType || eventType.archivedAt) {
      violations.push({ field: 'event_type_id', message: 'event_type_id is not an event type of this tenant' });
    }
    violations.push(...(await this.checkAddress(input.url)));
    if (violations.length > 0) throw ApiError.validation(violations);

    const secret = generateSecret();
    const headers = input.custom_headers ?? {};
    // The id is chosen here, not by the database, so the ciphertexts can be bound to the row they are written into.
    const id = randomUUID();
    const fields = {
      id,
      eventTypeId: input.event_type_id,
      userId: input.user_id,
      url: input.url,
      customHeadersEnc: Object.keys(headers).length > 0 ? this.cipher.encryptJson(headers, webhookHeadersBinding(tenantId, id)) : null,
      customPayload: input.custom_payload ?? null,
      secretEnc: this.cipher.encrypt(secret, webhookSecretBinding(tenantId, id)),
    };
    const webhook = await this.webhooks.create(tenantId, fields, this.maxWebhooks);
    if (!webhook) {
      // One publish fans out to every subscribed webhook: the cap bounds what one tenant's event can cost.
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'too_many_webhooks', `A tenant may have at most ${this.maxWebhooks} webhooks; delete one first`, [
        { field: 'url', message: `the tenant already has ${this.maxWebhooks} webhooks (MAX_WEBHOOKS_PER_TENANT)` },
      ]);
    }
    return toWebhookView(webhook, this.cipher, { secret, headers });
  }

  /**
   * The same rules as registration, for the fields sent. A new URL applies to every attempt from now on, including
   * retries of deliveries already queued: the worker reads the URL when it attempts, not when the delivery is made.
   */
  async update(tenantId: string, id: string, input: UpdateWebhookDto): Promise<WebhookView> {
    await this.require(tenantId, id);
    const violations: RuleViolation[] = [];
    if (input.event_type_id !== undefined) {
      const eventType = await this.eventTypes.getVisible(tenantId, input.event_type_id);
      if (!eventType || eventType.archivedAt) {
        violations.push({ field: 'event_type_id', message: 'event_type_id is not an event type of this tenant' });
      }
    }
    if (input.url !== undefined) violations.push(...(await this.checkAddress(input.url)));
    if (violations.length > 0) throw ApiError.validation(violations);

    const fields: Partial<Webhook> = {};
    if (input.event_type_id !== undefined) fields.eventTypeId = input.event_type_id;
    if (input.user_id !== undefined) fields.userId = input.user_id;
    if (input.url !== undefined) fields.url = input.url;
    if (input.custom_headers !== undefined) {
      const headers = input.custom_headers ?? {};
      fields.customHeadersEnc = Object.keys(headers).length > 0 ? this.cipher.encryptJson(headers, webhookHeadersBinding(tenantId, id)) : null;
    }
    if (input.custom_payload !== undefined) fields.customPayload = input.custom_payload;
    // A delete racing this update wins: the update then touches nothing and the answer is 404.
    if (Object.keys(fields).length > 0 && !(await this.webhooks.update(tenantId, id, fields))) throw ApiError.notFound('Webhook');
    return this.get(tenantId, id);
  }

  async get(tenantId: string, id: string): Promise<WebhookView> {
    return toWebhookView(await this.require(tenantId, id), this.cipher);
  }

  async list(tenantId: string, query: ListWebhooksQuery): Promise<Page<WebhookView>> {
    const page = await this.webhooks.list(
      tenantId,
      { userId: query.user_id, eventTypeId: query.event_type_id, status: query.status },
      query.limit ?? DEFAULT_PAGE_SIZE,
      query.cursor,
    );
    return { items: page.items.map((webhook) => toWebhookView(webhook, this.cipher)), next_cursor: page.next_cursor };
  }

  /** A foreign id answers exactly like a missing one. */
  async require(tenantId: string, id: string): Promise<Webhook> {
    const webhook = await this.webhooks.getById(tenantId, id);
    if (!webhook) throw ApiError.notFound('Webhook');
    return webhook;
  }

  private async checkAddress(url: string): Promise<RuleViolation[]> {
    try {
      await checkTarget(new URL(url), this.policy);
      return [];
    } catch (error) {
      if (error instanceof BlockedTargetError) {
        const refusedAddress = error.message.startsWith('blocked:') && !error.message.startsWith('blocked: protocol');
        return [{ field: 'url', message: refusedAddress ? `${error.message}${PRIVATE_TARGETS_HINT}` : error.message }];
      }
      throw error;
    }
  }
}
