export { AddressPolicy, blockedReason, literalHost, normaliseIp } from './address-policy';
export { maxAttempts, parseRetryAfter, retryDelay } from './backoff';
export { buildBody, EventForBody } from './body';
export { AttemptJob, AttemptOutcome, DeliveryRunner, USER_AGENT } from './delivery-runner';
export { checkCustomHeaders, isCredentialHeader, maskHeaders, mergeOutboundHeaders, RuleViolation } from './header-rules';
export { HttpSender, SendResult } from './http-sender';
export { checkCustomPayload } from './payload-rules';
export { BlockedTargetError, checkTarget, Resolver, systemResolver } from './target-guard';
export { checkWebhookUrl } from './url-rules';
