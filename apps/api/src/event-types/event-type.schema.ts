import { ApiProperty } from '@nestjs/swagger';
import { EventTypeView } from './event-type.view';
import { ReferenceEventTypeModel } from './reference-event-type.schema';

/** OpenAPI model of EventTypeView. */
export class EventTypeModel extends ReferenceEventTypeModel implements EventTypeView {
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'JSON Schema that published `data` must match' })
  schema: Record<string, unknown> | null;
  @ApiProperty() archived: boolean;
  @ApiProperty({ description: "Hookline's own type (file.uploaded): listed, read-only, published by Hookline only" }) system: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}
