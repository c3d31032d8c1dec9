import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiKeyView } from './api-key.view';

/** OpenAPI model of ApiKeyView: never the hash. */
export class ApiKeyModel implements ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'string', nullable: true }) name: string | null;
  @ApiProperty({ description: 'The first characters of the key, to recognise it' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) last_used_at: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) revoked_at: string | null;
  @ApiPropertyOptional({ description: 'The key itself; only in the answer that created it' }) key?: string;
}
