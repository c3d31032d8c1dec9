import { ApiProperty } from '@nestjs/swagger';

export class LivenessModel {
  @ApiProperty({ example: 'ok' }) status: string;
}
