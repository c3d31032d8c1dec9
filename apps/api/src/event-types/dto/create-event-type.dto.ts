import { Transform } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Satisfies } from '../../common/satisfies.decorator';
import { checkEventTypeKey } from '../event-type-key.rules';

export const MAX_NAME_LENGTH = 256;
export const MAX_DESCRIPTION_LENGTH = 2048;

/** The schema's own validity (Ajv, size) is checked in EventTypesService. */
export class CreateEventTypeDto {
  @Satisfies((value) => checkEventTypeKey(value)) key: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_NAME_LENGTH) name?: string;
  @IsOptional() @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description?: string;
  /** Kept as parsed: class-transformer would rebuild the whole tree for nothing. */
  @Transform(({ obj }) => obj.schema) @IsOptional() @IsObject() schema?: Record<string, unknown> | null;
}
