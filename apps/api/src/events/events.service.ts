import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { EventsRepository, EventType, OutboxRepository } from '@hookline/db';
import { ApiError } from '../common/api-error';
import { EventSchemaCache } from '../event-types/event-schema.cache';
import { PublishableTypes } from '../event-types/publishable-types';
import { DeliveryFanOut } from './delivery-fan-out';
import { PublishEventDto } from './dto/publish-event.dto';
import { checkEventData, checkIdempotencyKey } from './event-data.rules';

/** The same idempotency key within this window returns the first event; after it, the key may name a new one. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface PublishedEventView {
  event_id: string;
  /** How many deliveries the event fanned out to. */
  deliveries: number;
}

export interface PublishOutcome {
  /** True when the idempotency key named an earlier event: nothing new was created. */
  replayed: boolean;
  view: PublishedEventView;
}

@Injectable()
export class EventsService {
  constructor(
    private readonly eventTypes: PublishableTypes,
    private readonly events: EventsRepository,
    private readonly outbox: OutboxRepository,
    private readonly schemas: EventSchemaCache,
    private readonly fanOut: DeliveryFanOut,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks in the order a client fixes things: the idempotency key, the size (413), the data's shape, then the
   * replay (before the type, so a retry of a publish that succeeded never turns into an error), the type and its
   * schema. Then the event and its deliveries in one statement, queued after the commit (without waiting for Redis).
   */
  async publish(tenantId: string, input: PublishEventDto, headerKey: string | undefined, requestId?: string): Promise<PublishOutcome> {
    const idempotencyKey = this.idempotencyKey(input.idempotency_key, headerKey);
    // Serialised once: measured here, stored as is.
    const dataJson = JSON.stringify(input.data);
    const bytes = Buffer.byteLength(dataJson, 'utf8');
    if (bytes > this.config.maxEventBytes) {
      throw new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', `data must be at most ${this.config.maxEventBytes} bytes as JSON (got ${bytes})`);
    }
    const shape = checkEventData(input.data);
    if (shape.length > 0) throw ApiError.validation(shape);

    if (idempotencyKey !== null) {
      const earlier = await this.events.findByIdempotencyKey(tenantId, idempotencyKey, IDEMPOTENCY_WINDOW_MS);
      if (earlier) return replay(earlier.eventId, earlier.deliveries);
    }
    const type = await this.publishableType(tenantId, input.event_type);
    const schemaErrors = this.schemas.validate(type, input.data);
    if (schemaErrors.length > 0) {
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'validation_failed', `data does not match the schema of ${type.key}`, schemaErrors);
    }

    const recorded = await this.outbox.recordEvent(tenantId, {
      eventTypeId: type.id,
      dataJson,
      userId: input.user_id ?? null,
      idempotencyKey,
      idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS,
    });
    if (!recorded.created) return replay(recorded.eventId, recorded.deliveries);
    this.fanOut.queue(tenantId, recorded.deliveryIds, requestId);
    return { replayed: false, view: { event_id: recorded.eventId, deliveries: recorded.deliveryIds.length } };
  }

  /** An unknown key and a foreign tenant's key look the same: the type is simply not there for this tenant. */
  private async publishableType(tenantId: string, key: string): Promise<EventType> {
    const type = await this.eventTypes.byKey(tenantId, key);
    if (!type) throw ApiError.validation([{ field: 'event_type', message: `${key} is not an event type of this tenant` }]);
    if (type.tenantId === null) throw ApiError.validation([{ field: 'event_type', message: `${key} is a system event type; Hookline publishes it itself` }]);
    if (type.archivedAt) throw ApiError.validation([{ field: 'event_type', message: `${key} is archived; unarchive it to publish` }]);
    return type;
  }

  /** The body field and the `Idempotency-Key` header are the same thing; sent both, they must agree. */
  private idempotencyKey(fromBody: string | undefined, fromHeader: string | undefined): string | null {
    const violations = [
      ...(fromBody !== undefined ? checkIdempotencyKey(fromBody, 'idempotency_key') : []),
      ...(fromHeader !== undefined ? checkIdempotencyKey(fromHeader, 'Idempotency-Key') : []),
    ];
    if (violations.length === 0 && fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
      violations.push({ field: 'idempotency_key', message: 'differs from the Idempotency-Key header; send one or the same in both' });
    }
    if (violations.length > 0) throw ApiError.validation(violations);
    return fromBody ?? fromHeader ?? null;
  }
}

function replay(eventId: string, deliveries: number): PublishOutcome {
  return { replayed: true, view: { event_id: eventId, deliveries } };
}
