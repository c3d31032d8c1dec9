import { ApiProperty } from '@nestjs/swagger';
import { PublishedEventView } from './events.service';

export class PublishedEventModel implements PublishedEventView {
  @ApiProperty({ format: 'uuid' }) event_id: string;
  @ApiProperty({ type: 'integer', description: 'How many deliveries the event fanned out to' }) deliveries: number;
}
