import { HttpStatus, Injectable } from '@nestjs/common';
import { DeliveriesRepository, OutboxRepository, Page, WebhooksRepository } from '@hookline/db';
import { DeliveryEnqueuer } from '@hookline/queue';
import { ApiError } from '../common/api-error';
import { DEFAULT_PAGE_SIZE } from '../common/pagination.dto';
import { DeliveryView, toDeliveryView } from './delivery.view';
import { ListDeliveriesQuery } from './dto/list-deliveries.query';
import { parseTimestamp } from '../common/timestamp.rules';
import { RecoverDto } from './dto/recover.dto';

const RECOVER_BATCH = 1000;

@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly outbox: OutboxRepository,
    private readonly enqueuer: DeliveryEnqueuer,
  ) {}

  async get(tenantId: string, id: string): Promise<DeliveryView> {
    const delivery = await this.deliveries.getById(tenantId, id);
    if (!delivery) throw ApiError.notFound('Delivery');
    return toDeliveryView(delivery);
  }

  async list(tenantId: string, query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    const page = await this.deliveries.list(
      tenantId,
      { webhookId: query.webhook_id, eventId: query.event_id, status: query.status },
      query.limit ?? DEFAULT_PAGE_SIZE,
      query.cursor,
    );
    return { items: page.items.map((delivery) => toDeliveryView(delivery)), next_cursor: page.next_cursor };
  }

  /** One fresh attempt now, to this delivery's endpoint only, recorded as manual; its own schedule is untouched. */
  async retry(tenantId: string, id: string, requestId?: string): Promise<{ delivery_id: string; queued: boolean }> {
    const delivery = await this.deliveries.getById(tenantId, id);
    if (!delivery) throw ApiError.notFound('Delivery');
    const webhook = await this.webhooks.getById(tenantId, delivery.webhookId);
    if (!webhook) throw ApiError.conflict('webhook_deleted', 'The delivery\'s webhook was deleted');
    if (webhook.status !== 'enabled') throw ApiError.conflict('webhook_disabled', 'The webhook is disabled; enable it before retrying');
    const queued = await this.enqueuer.enqueueManual({ deliveryId: id, tenantId, requestId });
    if (!queued) throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'queue_unavailable', 'The queue is unavailable; try again shortly');
    return { delivery_id: id, queued };
  }

  /** Re-queues the webhook's failed deliveries created in [since, until), however old, while the data is kept. */
  async recover(tenantId: string, webhookId: string, input: RecoverDto): Promise<{ recovered: number }> {
    const webhook = await this.webhooks.getById(tenantId, webhookId);
    if (!webhook) throw ApiError.notFound('Webhook');
    if (webhook.status !== 'enabled') throw ApiError.conflict('webhook_disabled', 'The webhook is disabled; enable it before recovering');
    // Both were checked by the DTO (parseTimestamp), so neither is ever NaN here.
    const since = parseTimestamp(input.since)!;
    const until = input.until ? parseTimestamp(input.until)! : new Date();
    if (since >= until) throw ApiError.validation([{ field: 'since', message: 'since must be before until' }]);
    const recovered = await this.deliveries.reopenFailed(tenantId, webhookId, { since, until }, RECOVER_BATCH, async (ids) => {
      const queued = await this.enqueuer.requeue(ids.map((deliveryId) => ({ deliveryId, tenantId })));
      await this.outbox.markQueued(queued);
    });
    return { recovered };
  }
}
