import { Transform } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH } from './create-event-type.dto';

/** The key never changes (receivers route on it); `schema: null` removes the schema; `archived` replaces delete. */
export class UpdateEventTypeDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_NAME_LENGTH) name?: string;
  @IsOptional() @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description?: string;
  @Transform(({ obj }) => obj.schema) @IsOptional() @IsObject() schema?: Record<string, unknown> | null;
  @IsOptional() @IsBoolean() archived?: boolean;
}
