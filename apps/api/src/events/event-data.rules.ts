import { RuleViolation } from '@hookline/delivery';

/** Deeper than any real payload; it keeps PostgreSQL's jsonb parser and Ajv far from their recursion limits. */
export const MAX_EVENT_DATA_DEPTH = 64;
/** A maximum fixed by the contract; the JSON body limit only gives it room to arrive (see bootstrap). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * `data` is stored as jsonb, which cannot hold U+0000 in a string or key; such data is refused here (422) rather
 * than failing in PostgreSQL (500). The walks are iterative, so no input can exhaust the stack.
 */
export function checkEventData(value: unknown, field = 'data'): RuleViolation[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ field, message: 'must be a JSON object' }];
  // Nearly every event is fine: one pass that allocates nothing per value says so, and only data with something wrong
  // is walked again to name the place (building a path for every value cost 1.6 µs each, more than serialising it).
  return isWellFormed(value) ? [] : locateViolation(value, field);
}

/** True when no object or array is nested deeper than MAX_EVENT_DATA_DEPTH and no string or key holds U+0000. */
function isWellFormed(root: object): boolean {
  const nodes: object[] = [root];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_EVENT_DATA_DEPTH) return false;
    const isArray = Array.isArray(node);
    const keys = isArray ? null : Object.keys(node);
    const length = isArray ? (node as unknown[]).length : keys!.length;
    for (let index = 0; index < length; index++) {
      let item: unknown;
      if (isArray) item = (node as unknown[])[index];
      else {
        const key = keys![index];
        if (key.includes('\u0000')) return false;
        item = (node as Record<string, unknown>)[key];
      }
      if (typeof item === 'string') {
        if (item.includes('\u0000')) return false;
      } else if (typeof item === 'object' && item !== null) {
        nodes.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/** The first violation, named by its path (`data.a[0].b`). */
function locateViolation(value: object, field: string): RuleViolation[] {
  const stack: Array<{ node: unknown; path: string; depth: number }> = [{ node: value, path: field, depth: 1 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return [{ field: path, message: 'must not contain the NUL character (\\u0000)' }];
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth > MAX_EVENT_DATA_DEPTH) return [{ field, message: `is nested too deeply; at most ${MAX_EVENT_DATA_DEPTH} levels are allowed` }];
    const entries: Array<[string, unknown]> = Array.isArray(node) ? node.map((item, index) => [String(index), item]) : Object.entries(node);
    for (const [key, item] of entries) {
      const itemPath = Array.isArray(node) ? `${path}[${key}]` : `${path}.${key}`;
      if (key.includes('\u0000')) return [{ field: path, message: 'keys must not contain the NUL character (\\u0000)' }];
      stack.push({ node: item, path: itemPath, depth: depth + 1 });
    }
  }
  return [];
}

/** Idempotency keys are opaque to us, but they travel in a header too: printable, 1 to 255 characters. */
export function checkIdempotencyKey(value: string, field: string): RuleViolation[] {
  if (value.length === 0) return [{ field, message: 'must not be empty' }];
  if (value.length > MAX_IDEMPOTENCY_KEY_LENGTH) return [{ field, message: `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }];
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return [{ field, message: 'must not contain control characters' }];
  return [];
}
