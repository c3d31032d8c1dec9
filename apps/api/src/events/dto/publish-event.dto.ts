import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_EVENT_TYPE_KEY_LENGTH } from '../../event-types/event-type-key.rules';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../event-data.rules';
import { FreeForm } from '../../common/free-form';

/** Size (413), nesting and the event type's schema are checked in EventsService, in that order. */
export class PublishEventDto {
  /** The event type's key (`order.created`), not its id. */
  @ApiProperty({ minLength: 1, maxLength: MAX_EVENT_TYPE_KEY_LENGTH, example: 'order.created' })
  @IsString() @MinLength(1) @MaxLength(MAX_EVENT_TYPE_KEY_LENGTH) event_type: string;
  /** Kept as parsed: class-transformer would rebuild the whole tree (up to 256 KiB) for nothing. */
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'At most 256 KiB as JSON (413 above); must match the event type\'s schema, if any', example: { order_id: 'ord_123', amount: 4200 } })
  @FreeForm() @IsDefined() @IsObject({ message: 'data must be a JSON object' }) data: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2147483647, description: 'Only webhooks of this user receive the event' })
  @IsOptional() @IsInt({ message: 'user_id must be an integer' }) @Min(1) @Max(2147483647) user_id?: number;
  @ApiPropertyOptional({ maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, description: 'The same key within 24 h returns the first event (200) and creates nothing' })
  @IsOptional() @IsString() @MaxLength(MAX_IDEMPOTENCY_KEY_LENGTH) idempotency_key?: string;
}
