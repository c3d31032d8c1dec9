export { LogLevel, pinoOptions, REDACT_PATHS, requestIdFor } from './logger';
export { createRegistry, DeliveryMetrics, HttpMetrics, PlatformGaugeSources, registerPlatformGauges, statusClass } from './metrics';
export { platformRegistryProvider } from './platform-registry.provider';
export { QuietStartupLogger } from './quiet-startup.logger';
export { isCredentialName, REDACTED, redactQuery } from './redact-query';
