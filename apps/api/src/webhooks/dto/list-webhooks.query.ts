import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination.dto';

export class ListWebhooksQuery extends PageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(2147483647) user_id?: number;
  @IsOptional() @IsUUID() event_type_id?: string;
  @IsOptional() @IsIn(['enabled', 'disabled']) status?: 'enabled' | 'disabled';
}
