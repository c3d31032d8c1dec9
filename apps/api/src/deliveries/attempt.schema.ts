import { ApiProperty } from '@nestjs/swagger';
import { AttemptView } from './delivery.view';

/** OpenAPI model of AttemptView. */
export class AttemptModel implements AttemptView {
  @ApiProperty({ type: 'integer', minimum: 1 }) attempt: number;
  @ApiProperty({ enum: ['scheduled', 'manual'] }) trigger: string;
  @ApiProperty({ format: 'uri', description: 'The URL this attempt went to' }) url: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Null when no HTTP answer came (timeout, connection error)' }) status_code: number | null;
  @ApiProperty({ type: 'integer' }) duration_ms: number;
  @ApiProperty({ type: 'string', nullable: true }) error: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The first 4 KiB of the response body' }) response_excerpt: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
