import { ApiProperty } from '@nestjs/swagger';
import { ReferenceEventTypeView } from './event-type.view';

/** OpenAPI model of ReferenceEventTypeView (`GET /event_type`). */
export class ReferenceEventTypeModel implements ReferenceEventTypeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'file.uploaded' }) key: string;
  @ApiProperty({ example: 'upload file' }) name: string;
  @ApiProperty({ example: 'Event type for file upload operations' }) description: string;
}
