import { IsISO8601, IsOptional } from 'class-validator';

export class RecoverDto {
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 timestamp' }) since: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 timestamp' }) until?: string;
}
