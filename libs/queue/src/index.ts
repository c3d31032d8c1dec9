export { DELIVER_JOB, DELIVERY_BACKOFF, DELIVERY_QUEUE, DeliveryJobPayload, deliveryJobId, deliveryJobOptions, manualJobOptions, maxAttempts } from './delivery-job';
export { DeliveryEnqueuer } from './delivery-enqueuer';
export { DeliveryQueueModule, DeliveryQueueOptions } from './delivery-queue.module';
export { bullQueueOptions, redisOptionsFromUrl } from './redis';
