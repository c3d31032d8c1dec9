import { HttpStatus, Injectable } from '@nestjs/common';
import { EventType, EventTypesRepository, Page } from '@hookline/db';
import { ApiError } from '../common/api-error';
import { DEFAULT_PAGE_SIZE } from '../common/pagination.dto';
import { InvalidationBus } from '../cache/invalidation-bus';
import { CreateEventTypeDto } from './dto/create-event-type.dto';
import { ListEventTypesQuery } from './dto/list-event-types.query';
import { UpdateEventTypeDto } from './dto/update-event-type.dto';
import { EventTypeView, ReferenceEventTypeView, toEventTypeView, toReferenceView } from './event-type.view';
import { compileSchema } from './json-schema';

@Injectable()
export class EventTypesService {
  constructor(
    private readonly eventTypes: EventTypesRepository,
    private readonly invalidations: InvalidationBus,
  ) {}

  async listVisible(tenantId: string): Promise<ReferenceEventTypeView[]> {
    return (await this.eventTypes.listVisible(tenantId)).map(toReferenceView);
  }

  async list(tenantId: string, query: ListEventTypesQuery): Promise<Page<EventTypeView>> {
    const page = await this.eventTypes.page(tenantId, query.include_archived ?? false, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
    return { items: page.items.map(toEventTypeView), next_cursor: page.next_cursor };
  }

  async get(tenantId: string, id: string): Promise<EventTypeView> {
    return toEventTypeView(await this.require(tenantId, id));
  }

  /** Keys are unique per tenant and never shadow a system type: both answer 409 `event_type_exists`. */
  async create(tenantId: string, input: CreateEventTypeDto): Promise<EventTypeView> {
    const schema = input.schema ?? null;
    if (schema) assertSchema(schema);
    if (await this.eventTypes.getSystem(input.key)) throw exists(input.key, 'it is a system event type');
    const created = await this.eventTypes.create(tenantId, { key: input.key, name: input.name ?? input.key, description: input.description ?? '', schema });
    if (!created) throw exists(input.key, 'this tenant already has it (archived types keep their key)');
    return toEventTypeView(created);
  }

  /** System types are listed but read-only: 403, so a client can tell "not yours to change" from "not there". */
  async update(tenantId: string, id: string, input: UpdateEventTypeDto): Promise<EventTypeView> {
    const current = await this.require(tenantId, id);
    if (current.tenantId === null) throw new ApiError(HttpStatus.FORBIDDEN, 'event_type_read_only', `${current.key} is a system event type and cannot be changed`);
    if (input.schema) assertSchema(input.schema);
    const updated = await this.eventTypes.update(tenantId, id, {
      name: input.name,
      description: input.description,
      schema: input.schema,
      archived: input.archived,
    });
    if (!updated) throw ApiError.notFound('Event type');
    // Publishes use the type from memory (PublishableTypes): the next one must see this change.
    await this.invalidations.announce({ kind: 'event-types', tenantId });
    return toEventTypeView(updated);
  }

  /** A foreign id answers exactly like a missing one. */
  private async require(tenantId: string, id: string): Promise<EventType> {
    const type = await this.eventTypes.getVisible(tenantId, id);
    if (!type) throw ApiError.notFound('Event type');
    return type;
  }
}

function assertSchema(schema: Record<string, unknown>): void {
  const compiled = compileSchema(schema);
  if (!compiled.ok) throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'invalid_schema', 'schema is not a valid JSON Schema', compiled.details);
}

function exists(key: string, why: string): ApiError {
  return ApiError.conflict('event_type_exists', `An event type with key ${key} already exists: ${why}`);
}
