import { ApiPropertyOptional } from '@nestjs/swagger';
import { checkCustomHeaders, checkCustomPayload, checkWebhookUrl } from '@hookline/webhook-rules';
import { IsInt, IsUUID, Max, Min, ValidateIf } from 'class-validator';
import { Satisfies } from '../../common/satisfies.decorator';
import { HEADERS_RULES, PAYLOAD_RULES, URL_RULES } from './webhook-rules.docs';
import { FreeForm } from '../../common/free-form';

/** Present (even null) means "validate": IsOptional would let `"url": null` through as if it were absent. */
const present = (_: object, value: unknown) => value !== undefined;
/** Null is a value here: it clears the field. */
const presentAndNotNull = (_: object, value: unknown) => value !== undefined && value !== null;

/**
 * Every field optional; the same rules as registration. `custom_headers` replaces the whole set (`{}` or null clears
 * it), `custom_payload` too (null clears it). The address of `url` is checked in WebhooksService.
 */
export class UpdateWebhookDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @ValidateIf(present) @IsUUID('all', { message: 'event_type_id must be a UUID' }) event_type_id?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2147483647 })
  @ValidateIf(present) @IsInt({ message: 'user_id must be an integer' }) @Min(1) @Max(2147483647) user_id?: number;
  @ApiPropertyOptional({ format: 'uri', maxLength: 2048, description: `${URL_RULES} Applies to every attempt from now on, retries included.` })
  @ValidateIf(present) @Satisfies((value) => checkWebhookUrl(value)) url?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, nullable: true, description: `Replaces the whole set; {} or null clears it. ${HEADERS_RULES}` })
  @FreeForm() @ValidateIf(presentAndNotNull) @Satisfies((value) => checkCustomHeaders(value)) custom_headers?: Record<string, string> | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: `Replaces it; null clears it. ${PAYLOAD_RULES}` })
  @FreeForm() @ValidateIf(presentAndNotNull) @Satisfies((value) => checkCustomPayload(value)) custom_payload?: Record<string, unknown> | null;
}
