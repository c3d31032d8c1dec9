import { ApiProperty } from '@nestjs/swagger';
import { Readiness } from './health.service';

export class ReadinessModel implements Readiness {
  @ApiProperty() ready: boolean;
  @ApiProperty({ enum: ['up', 'down'] }) database: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) redis: 'up' | 'down';
}
