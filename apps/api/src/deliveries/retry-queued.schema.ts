import { ApiProperty } from '@nestjs/swagger';

export class RetryQueuedModel {
  @ApiProperty({ format: 'uuid' }) delivery_id: string;
  @ApiProperty() queued: boolean;
}
