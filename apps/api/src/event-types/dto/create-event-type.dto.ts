import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Satisfies } from '../../common/satisfies.decorator';
import { checkEventTypeKey, EVENT_TYPE_KEY_PATTERN, MAX_EVENT_TYPE_KEY_LENGTH, RESERVED_KEY_PREFIXES } from '../event-type-key.rules';
import { FreeForm } from '../../common/free-form';

export const MAX_NAME_LENGTH = 256;
export const MAX_DESCRIPTION_LENGTH = 2048;

/** The schema's own validity (Ajv, size) is checked in EventTypesService. */
export class CreateEventTypeDto {
  @ApiProperty({
    maxLength: MAX_EVENT_TYPE_KEY_LENGTH,
    pattern: EVENT_TYPE_KEY_PATTERN.source,
    example: 'order.created',
    description: `Dotted lowercase, unique per tenant; not starting with ${RESERVED_KEY_PREFIXES.join(', ')}`,
  })
  @Satisfies((value) => checkEventTypeKey(value)) key: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_NAME_LENGTH, example: 'Order created' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_NAME_LENGTH) name?: string;
  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description?: string;
  /** Kept as parsed: class-transformer would rebuild the whole tree for nothing. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'A JSON Schema (at most 64 KiB) that published `data` must match, else 422' })
  @FreeForm() @IsOptional() @IsObject() schema?: Record<string, unknown> | null;
}
