import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/pagination.dto';

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() webhook_id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() event_id?: string;
  @ApiPropertyOptional({ enum: ['pending', 'queued', 'succeeded', 'failed'] })
  @IsOptional() @IsIn(['pending', 'queued', 'succeeded', 'failed']) status?: 'pending' | 'queued' | 'succeeded' | 'failed';
}
