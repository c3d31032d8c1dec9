import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination.dto';

export class ListWebhooksQuery extends PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2147483647 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(2147483647) user_id?: number;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() event_type_id?: string;
  @ApiPropertyOptional({ enum: ['enabled', 'disabled'] }) @IsOptional() @IsIn(['enabled', 'disabled']) status?: 'enabled' | 'disabled';
}
