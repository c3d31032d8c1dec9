export { AddressPolicy, blockedPort, effectivePort, literalHost } from './address-policy';
export { CachingResolver, DNS_DEFAULTS, DnsLookupError, DnsResolverOptions, sharedResolver } from './dns-resolver';
export { checkCustomHeaders, maskHeaders, mergeOutboundHeaders, RuleViolation } from './header-rules';
export { checkCustomPayload, FORBIDDEN_PAYLOAD_KEYS, RESERVED_PAYLOAD_KEYS } from './payload-rules';
export { BlockedTargetError, checkHost, checkTarget, Resolver, systemResolver } from './target-guard';
export { checkWebhookUrl } from './url-rules';
