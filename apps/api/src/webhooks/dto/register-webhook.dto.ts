import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { checkCustomHeaders, checkCustomPayload, checkWebhookUrl } from '@hookline/webhook-rules';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { Satisfies } from '../../common/satisfies.decorator';
import { HEADERS_RULES, PAYLOAD_RULES, URL_RULES } from './webhook-rules.docs';
import { FreeForm } from '../../common/free-form';

/** The address of `url` (DNS, private ranges) and the event type's visibility are checked in WebhooksService. */
export class RegisterWebhookDto {
  @ApiProperty({ format: 'uuid', description: 'An event type visible to the tenant (GET /event_type)' })
  @IsUUID('all', { message: 'event_type_id must be a UUID' }) event_type_id: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 2147483647, description: "The tenant's own user that owns this webhook" })
  @IsInt({ message: 'user_id must be an integer' }) @Min(1) @Max(2147483647) user_id: number;
  @ApiProperty({ format: 'uri', maxLength: 2048, description: URL_RULES, example: 'https://example.com/webhooks/hookline' })
  @Satisfies((value) => checkWebhookUrl(value)) url: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: HEADERS_RULES, example: { Authorization: 'Bearer yourtokenhere', 'X-Team': 'payments' } })
  @FreeForm() @IsOptional() @Satisfies((value) => checkCustomHeaders(value)) custom_headers?: Record<string, string>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: PAYLOAD_RULES, example: { key1: 'value1' } })
  @FreeForm() @IsOptional() @Satisfies((value) => checkCustomPayload(value)) custom_payload?: Record<string, unknown>;
}
