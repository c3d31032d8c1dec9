import { checkCustomHeaders, checkCustomPayload, checkWebhookUrl } from '@hookline/delivery';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { Satisfies } from '../../common/satisfies.decorator';

/** The address of `url` (DNS, private ranges) and the event type's visibility are checked in WebhooksService. */
export class RegisterWebhookDto {
  @IsUUID('all', { message: 'event_type_id must be a UUID' }) event_type_id: string;
  @IsInt({ message: 'user_id must be an integer' }) @Min(1) @Max(2147483647) user_id: number;
  @Satisfies((value) => checkWebhookUrl(value)) url: string;
  @IsOptional() @Satisfies((value) => checkCustomHeaders(value)) custom_headers?: Record<string, string>;
  @IsOptional() @Satisfies((value) => checkCustomPayload(value)) custom_payload?: Record<string, unknown>;
}
