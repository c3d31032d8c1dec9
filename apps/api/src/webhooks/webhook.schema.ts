import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WebhookView } from './webhook.view';

/** OpenAPI model of WebhookView. */
export class WebhookModel implements WebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) event_type_id: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) user_id: number;
  @ApiProperty({ format: 'uri' }) url: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Credential-bearing values (authorization, cookie, *token*, *secret*, *key*) are masked in every answer but the creating one',
  })
  custom_headers: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) custom_payload: Record<string, unknown> | null;
  @ApiProperty({ enum: ['enabled', 'disabled'] }) status: string;
  @ApiProperty({ type: 'string', nullable: true }) disabled_reason: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) disabled_at: string | null;
  @ApiProperty({ type: 'integer' }) consecutive_failures: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiPropertyOptional({ description: 'Signing secret, `whsec_` + base64; only in the answer to registration', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret?: string;
}
