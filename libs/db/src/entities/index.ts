import { ApiKey } from './api-key.entity';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { Delivery } from './delivery.entity';
import { ErrorLog } from './error-log.entity';
import { EventType } from './event-type.entity';
import { Event } from './event.entity';
import { Tenant } from './tenant.entity';
import { Upload } from './upload.entity';
import { Webhook } from './webhook.entity';

export { ApiKey, Delivery, DeliveryAttempt, ErrorLog, Event, EventType, Tenant, Upload, Webhook };
export type { AttemptTrigger } from './delivery-attempt.entity';
export type { DeliveryStatus } from './delivery.entity';
export type { WebhookStatus } from './webhook.entity';

export const ENTITIES = [Tenant, ApiKey, EventType, Webhook, Upload, Event, Delivery, DeliveryAttempt, ErrorLog];
