import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class RecoverDto {
  @ApiProperty({ format: 'date-time', description: 'Re-queue failed deliveries created at or after this instant' })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 timestamp' }) since: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive end of the window; now when omitted' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 timestamp' }) until?: string;
}
