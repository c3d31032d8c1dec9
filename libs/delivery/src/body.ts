import { FORBIDDEN_PAYLOAD_KEYS, RESERVED_PAYLOAD_KEYS } from '@hookline/webhook-rules';

export interface EventForBody {
  id: string;
  typeKey: string;
  createdAt: Date;
  data: unknown;
}

/**
 * Custom payloads are validated on write, but a row stored before a rule existed must still never shadow the
 * envelope or carry prototype-pollution keys to receivers that deep-merge our JSON.
 */
function isSkippedCustomKey(key: string): boolean {
  return RESERVED_PAYLOAD_KEYS.has(key) || FORBIDDEN_PAYLOAD_KEYS.has(key);
}

/** Serialises one member the way JSON.stringify would, or returns null where JSON.stringify would omit it. */
function member(key: string, value: unknown): string | null {
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined ? null : `${JSON.stringify(key)}:${json}`;
}

/**
 * Returns the exact bytes (as a string) that are signed and sent. Built member by member rather than via one
 * object literal because JS objects enumerate integer-like keys (`"0"`, `"42"`) before all others, which would
 * push custom keys ahead of the envelope.
 */
export function buildBody(event: EventForBody, customPayload: Record<string, unknown> | null): string {
  const members = [
    member('id', event.id),
    member('type', event.typeKey),
    member('timestamp', event.createdAt.toISOString()),
    // `data` is mandatory in the Standard Webhooks envelope; JSON.stringify would drop an undefined one.
    member('data', event.data === undefined ? null : event.data),
  ];
  for (const [key, value] of Object.entries(customPayload ?? {})) {
    if (!isSkippedCustomKey(key)) members.push(member(key, value));
  }
  return `{${members.filter((m): m is string => m !== null).join(',')}}`;
}
