import { ApiProperty } from '@nestjs/swagger';
import { ErrorLogView } from './error-logs.service';

/** OpenAPI model of ErrorLogView. */
export class ErrorLogModel implements ErrorLogView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) webhook_id: string | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) delivery_id: string | null;
  @ApiProperty() message: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) detail: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
