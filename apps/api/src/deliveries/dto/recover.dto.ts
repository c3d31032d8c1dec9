import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Satisfies } from '../../common/satisfies.decorator';
import { checkTimestamp } from '../../common/timestamp.rules';

export class RecoverDto {
  @ApiProperty({ format: 'date-time', description: 'Re-queue failed deliveries created at or after this instant (RFC 3339, e.g. 2026-12-07T10:00:00Z)' })
  @Satisfies((value) => checkTimestamp(value, 'since')) since: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive end of the window (RFC 3339); now when omitted' })
  @IsOptional() @Satisfies((value) => checkTimestamp(value, 'until')) until?: string;
}
