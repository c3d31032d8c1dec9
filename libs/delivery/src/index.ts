export { AttemptDecision, AttemptFacts, AttemptJob, AttemptOutcome, decideAttempt, outcomeOf } from './attempt-outcome';
export { AttemptStore } from './attempt-store';
export { parseRetryAfter, retryDelay } from './backoff';
export { buildBody, EventForBody } from './body';
export { DeliveryRunner } from './delivery-runner';
export { EndpointLimiter } from './endpoint-limiter';
export { HttpSender, SendResult } from './http-sender';
export { EndpointCredentials, SignedRequests, USER_AGENT } from './signed-request';
