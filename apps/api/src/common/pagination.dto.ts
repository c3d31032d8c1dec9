import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(250) limit?: number;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
