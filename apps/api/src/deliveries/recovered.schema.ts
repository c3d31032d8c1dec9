import { ApiProperty } from '@nestjs/swagger';

export class RecoveredModel {
  @ApiProperty({ type: 'integer', description: 'Failed deliveries re-queued' }) recovered: number;
}
