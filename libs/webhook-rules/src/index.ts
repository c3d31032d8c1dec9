export { AddressPolicy, literalHost } from './address-policy';
export { checkCustomHeaders, maskHeaders, mergeOutboundHeaders, RuleViolation } from './header-rules';
export { checkCustomPayload, FORBIDDEN_PAYLOAD_KEYS, RESERVED_PAYLOAD_KEYS } from './payload-rules';
export { BlockedTargetError, checkHost, checkTarget, Resolver, systemResolver } from './target-guard';
export { checkWebhookUrl } from './url-rules';
