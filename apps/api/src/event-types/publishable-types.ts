import { Injectable } from '@nestjs/common';
import { EventType, EventTypesRepository } from '@hookline/db';
import { ExpiringCache } from '../cache/expiring-cache';
import { InvalidationBus } from '../cache/invalidation-bus';

/** How long a publish may use a type it looked up; a change drops it at once (InvalidationBus), this bounds a missed one. */
export const EVENT_TYPE_CACHE_TTL_MS = 5000;
const MAX_CACHED_TYPES = 10_000;

/**
 * The event type a publish names, by tenant and key, kept in memory: every publish needs it and it almost never
 * changes. A change (archive, unarchive, new schema, new name) is announced by EventTypesService; a new type needs no
 * announcement, since absences are never kept and a tenant's key cannot shadow a system type.
 */
@Injectable()
export class PublishableTypes {
  private readonly types = new ExpiringCache<string, EventType>(EVENT_TYPE_CACHE_TTL_MS, MAX_CACHED_TYPES);

  constructor(
    private readonly eventTypes: EventTypesRepository,
    invalidations: InvalidationBus,
  ) {
    invalidations.follow(this.types, 'event-types', (type, changed) => type.tenantId === changed.tenantId);
  }

  /** The tenant's own type with this key, else the system type, else null (see EventTypesRepository.getVisibleByKey). */
  byKey(tenantId: string, key: string): Promise<EventType | null> {
    return this.types.getOrLoad(`${tenantId}\u0000${key}`, () => this.eventTypes.getVisibleByKey(tenantId, key));
  }
}
