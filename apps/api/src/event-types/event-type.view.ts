import { EventType } from '@hookline/db';

/** The reference design's shape, for `GET /event_type`. */
export interface ReferenceEventTypeView {
  id: string;
  key: string;
  name: string;
  description: string;
}

export interface EventTypeView extends ReferenceEventTypeView {
  schema: Record<string, unknown> | null;
  archived: boolean;
  /** System types (`file.uploaded`) are Hookline's own: listed, read-only, published by Hookline only. */
  system: boolean;
  created_at: string;
  updated_at: string;
}

export function toReferenceView(type: EventType): ReferenceEventTypeView {
  return { id: type.id, key: type.key, name: type.name, description: type.description };
}

export function toEventTypeView(type: EventType): EventTypeView {
  return {
    ...toReferenceView(type),
    schema: type.schema,
    archived: type.archivedAt !== null,
    system: type.tenantId === null,
    created_at: type.createdAt.toISOString(),
    updated_at: type.updatedAt.toISOString(),
  };
}
