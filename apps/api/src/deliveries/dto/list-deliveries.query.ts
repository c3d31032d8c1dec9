import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/pagination.dto';

export class ListDeliveriesQuery extends PageQuery {
  @IsOptional() @IsUUID() webhook_id?: string;
  @IsOptional() @IsUUID() event_id?: string;
  @IsOptional() @IsIn(['pending', 'queued', 'succeeded', 'failed']) status?: 'pending' | 'queued' | 'succeeded' | 'failed';
}
