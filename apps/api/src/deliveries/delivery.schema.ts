import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AttemptModel } from './attempt.schema';
import { DeliveryView } from './delivery.view';

/** OpenAPI model of DeliveryView. */
export class DeliveryModel implements DeliveryView {
  @ApiProperty({ format: 'uuid', description: 'Also the `webhook-id` header the receiver gets, stable across retries' }) id: string;
  @ApiProperty({ format: 'uuid' }) event_id: string;
  @ApiProperty({ format: 'uuid' }) webhook_id: string;
  @ApiProperty({ enum: ['pending', 'queued', 'succeeded', 'failed'] }) status: string;
  @ApiProperty({ type: 'integer' }) attempt_count: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) next_attempt_at: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) last_status_code: number | null;
  @ApiProperty({ type: 'string', nullable: true }) last_error: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'endpoint_deleted' }) failure_reason: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) completed_at: string | null;
  @ApiPropertyOptional({ type: [AttemptModel], description: 'Every attempt, oldest first; in `GET /v1/deliveries/{id}`' }) attempts?: AttemptModel[];
}
