export { DELIVER_JOB, DELIVERY_BACKOFF, DELIVERY_QUEUE, DeliveryJobPayload, deliveryJobId, deliveryJobOptions, manualJobOptions } from './delivery-job';
export { bullQueueOptions, redisOptionsFromUrl } from './redis';
export { DeliveryEnqueuer } from './delivery-enqueuer';
