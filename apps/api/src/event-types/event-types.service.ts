import { Injectable } from '@nestjs/common';
import { EventType, EventTypesRepository } from '@hookline/db';

export interface EventTypeView {
  id: string;
  key: string;
  name: string;
  description: string;
}

export function toEventTypeView(type: EventType): EventTypeView {
  return { id: type.id, key: type.key, name: type.name, description: type.description };
}

@Injectable()
export class EventTypesService {
  constructor(private readonly eventTypes: EventTypesRepository) {}

  async listVisible(tenantId: string): Promise<EventTypeView[]> {
    return (await this.eventTypes.listVisible(tenantId)).map(toEventTypeView);
  }
}
