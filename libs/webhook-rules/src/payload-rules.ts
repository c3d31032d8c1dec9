import { isPlainObject, RuleViolation } from './header-rules';

export const DEFAULT_MAX_PAYLOAD_BYTES = 65_536;
/** The custom payload object itself counts as depth 1; each nested object or array adds one. */
export const MAX_PAYLOAD_DEPTH = 16;

/** The Standard Webhooks envelope keys; a custom payload must never shadow them (see buildBody). */
export const RESERVED_PAYLOAD_KEYS: ReadonlySet<string> = new Set(['id', 'type', 'timestamp', 'data']);

/** Receivers that deep-merge our JSON into their own objects could be prototype-polluted by these. */
export const FORBIDDEN_PAYLOAD_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`;
}

/**
 * Anything JSON.stringify would silently drop or rewrite (undefined, functions, NaN, Dates, Maps…) is refused,
 * so what the tenant configured is exactly what gets signed and sent.
 */
function isJsonScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Walks at most MAX_PAYLOAD_DEPTH levels, so deeply nested or cyclic input cannot exhaust the stack:
 * a cycle simply shows up as exceeding the depth limit.
 */
interface Walk {
  violations: RuleViolation[];
  tooDeep: boolean;
}

function checkNode(value: unknown, path: string, depth: number, walk: Walk): void {
  if (isJsonScalar(value)) return;
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) {
    walk.violations.push({ field: path, message: 'must contain only JSON values (objects, arrays, strings, finite numbers, booleans, null)' });
    return;
  }
  if (depth > MAX_PAYLOAD_DEPTH) {
    walk.tooDeep = true;
    walk.violations.push({ field: path, message: `is nested too deeply; at most ${MAX_PAYLOAD_DEPTH} levels are allowed` });
    return;
  }
  if (isArray) {
    (value as unknown[]).forEach((item, index) => checkNode(item, childPath(path, index), depth + 1, walk));
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const itemPath = childPath(path, key);
    if (FORBIDDEN_PAYLOAD_KEYS.has(key)) {
      walk.violations.push({ field: itemPath, message: `key ${key} is not allowed` });
      continue;
    }
    checkNode(item, itemPath, depth + 1, walk);
  }
}

function jsonByteLength(value: unknown): number | null {
  try {
    return Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch {
    // Cycles and BigInts throw; the structural walk already reports why.
    return null;
  }
}

export function checkCustomPayload(
  value: unknown,
  field = 'custom_payload',
  maxBytes = DEFAULT_MAX_PAYLOAD_BYTES,
): RuleViolation[] {
  if (!isPlainObject(value)) return [{ field, message: 'must be a JSON object' }];
  const walk: Walk = { violations: [], tooDeep: false };
  for (const key of Object.keys(value)) {
    if (RESERVED_PAYLOAD_KEYS.has(key)) {
      walk.violations.push({ field: childPath(field, key), message: `key ${key} is reserved for the webhook envelope` });
    }
  }
  checkNode(value, field, 1, walk);
  const { violations } = walk;
  // Serialising a cyclic or pathologically deep value would throw or overflow the stack; it is refused already.
  if (walk.tooDeep) return violations;
  const bytes = jsonByteLength(value);
  if (bytes !== null && bytes > maxBytes) {
    violations.push({ field, message: `is ${bytes} bytes as JSON; at most ${maxBytes} bytes are allowed` });
  }
  return violations;
}
