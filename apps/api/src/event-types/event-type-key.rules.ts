import { RuleViolation } from '@hookline/webhook-rules';

/** Dotted lowercase, at least two segments: `order.created`, `invoice.payment_failed`. */
export const EVENT_TYPE_KEY_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
export const MAX_EVENT_TYPE_KEY_LENGTH = 128;

/**
 * Kept free for operational events Hookline may emit itself later (endpoint disabled, delivery exhausted...), so a
 * future system type can never collide with a tenant's.
 */
export const RESERVED_KEY_PREFIXES: readonly string[] = ['hookline.', 'system.', 'webhook.', 'endpoint.', 'delivery.'];

export function checkEventTypeKey(value: unknown, field = 'key'): RuleViolation[] {
  if (typeof value !== 'string') return [{ field, message: 'must be a string' }];
  if (value.length > MAX_EVENT_TYPE_KEY_LENGTH) return [{ field, message: `must be at most ${MAX_EVENT_TYPE_KEY_LENGTH} characters` }];
  if (!EVENT_TYPE_KEY_PATTERN.test(value)) {
    return [{ field, message: 'must be dotted lowercase segments, each starting with a letter (a-z, 0-9, _), like order.created' }];
  }
  const reserved = RESERVED_KEY_PREFIXES.find((prefix) => value.startsWith(prefix));
  if (reserved) return [{ field, message: `must not start with ${reserved} (reserved for Hookline's own events)` }];
  return [];
}
