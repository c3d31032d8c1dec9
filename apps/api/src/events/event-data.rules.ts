import { RuleViolation } from '@hookline/webhook-rules';

/** Deeper than any real payload; it keeps PostgreSQL's jsonb parser and Ajv far from their recursion limits. */
export const MAX_EVENT_DATA_DEPTH = 64;
/** A maximum fixed by the contract; the JSON body limit only gives it room to arrive (see bootstrap). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** An object or array still to walk, or a string found holding U+0000; its path is spelled out only if reported. */
interface Pending {
  node: unknown;
  depth: number;
  parent: Pending | null;
  key: string | number;
}

/**
 * `data` is stored as jsonb, which cannot hold U+0000 in a string or key; such data is refused here (422) rather
 * than failing in PostgreSQL (500). The walk is iterative, so no input can exhaust the stack, and it allocates only for
 * objects, arrays and offending strings: a path and an entry for every value cost as much as serialising the data.
 */
export function checkEventData(value: unknown, field = 'data'): RuleViolation[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ field, message: 'must be a JSON object' }];
  const stack: Pending[] = [{ node: value, depth: 1, parent: null, key: field }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node, depth } = entry;
    // Only offending strings are ever pushed.
    if (typeof node === 'string') return [{ field: pathOf(entry), message: 'must not contain the NUL character (\\u0000)' }];
    if (depth > MAX_EVENT_DATA_DEPTH) return [{ field, message: `is nested too deeply; at most ${MAX_EVENT_DATA_DEPTH} levels are allowed` }];
    const isArray = Array.isArray(node);
    const keys = isArray ? null : Object.keys(node as object);
    const length = isArray ? (node as unknown[]).length : keys!.length;
    for (let index = 0; index < length; index++) {
      const key = isArray ? index : keys![index];
      if (!isArray && (key as string).includes('\u0000')) return [{ field: pathOf(entry), message: 'keys must not contain the NUL character (\\u0000)' }];
      const item = (node as Record<string | number, unknown>)[key];
      if ((typeof item === 'object' && item !== null) || (typeof item === 'string' && item.includes('\u0000'))) {
        stack.push({ node: item, depth: depth + 1, parent: entry, key });
      }
    }
  }
  return [];
}

/** `data.a[0].b` */
function pathOf(entry: Pending): string {
  const parts: string[] = [];
  for (let at: Pending | null = entry; at; at = at.parent) {
    parts.push(at.parent === null ? String(at.key) : typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
  }
  return parts.reverse().join('');
}

/** Idempotency keys are opaque to us, but they travel in a header too: printable, 1 to 255 characters. */
export function checkIdempotencyKey(value: string, field: string): RuleViolation[] {
  if (value.length === 0) return [{ field, message: 'must not be empty' }];
  if (value.length > MAX_IDEMPOTENCY_KEY_LENGTH) return [{ field, message: `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }];
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return [{ field, message: 'must not contain control characters' }];
  return [];
}
