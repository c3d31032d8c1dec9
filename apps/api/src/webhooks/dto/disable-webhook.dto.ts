import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class DisableWebhookDto {
  /** Recorded as disabled_reason; "disabled by API request" when omitted. */
  @ApiPropertyOptional({ minLength: 1, maxLength: 500, description: 'Recorded as `disabled_reason`' })
  @IsOptional() @IsString({ message: 'reason must be a string' }) @MinLength(1) @MaxLength(500) reason?: string;
}
