import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH } from './create-event-type.dto';
import { FreeForm } from '../../common/free-form';

/** The key never changes (receivers route on it); `schema: null` removes the schema; `archived` replaces delete. */
export class UpdateEventTypeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_NAME_LENGTH })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_NAME_LENGTH) name?: string;
  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'A new JSON Schema; null removes it' })
  @FreeForm() @IsOptional() @IsObject() schema?: Record<string, unknown> | null;
  @ApiPropertyOptional({ description: 'Archived types are not listed by default and cannot be published' })
  @IsOptional() @IsBoolean() archived?: boolean;
}
