import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 250, default: 50, description: 'Page size' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(250) limit?: number;
  @ApiPropertyOptional({ maxLength: 200, description: 'The `next_cursor` of the previous page' })
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
