import { ApiProperty } from '@nestjs/swagger';
import { DeletedWebhook } from './webhook-lifecycle.service';

export class DeletedWebhookModel implements DeletedWebhook {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'boolean', enum: [true] }) deleted: true;
  @ApiProperty({ type: 'integer', description: 'Waiting deliveries that ended `failed` with reason `endpoint_deleted`' }) failed_deliveries: number;
}
