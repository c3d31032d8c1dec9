import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class DisableWebhookDto {
  /** Recorded as disabled_reason; "disabled by API request" when omitted. */
  @IsOptional() @IsString({ message: 'reason must be a string' }) @MinLength(1) @MaxLength(500) reason?: string;
}
