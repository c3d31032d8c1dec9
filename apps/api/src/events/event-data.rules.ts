import { RuleViolation } from '@hookline/webhook-rules';

/** Deeper than any real payload; it keeps PostgreSQL's jsonb parser and Ajv far from their recursion limits. */
export const MAX_EVENT_DATA_DEPTH = 64;
/** A maximum fixed by the contract; the JSON body limit only gives it room to arrive (see bootstrap). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * `data` must be an object nested at most MAX_EVENT_DATA_DEPTH levels. Its strings (NUL, unpaired surrogates) were
 * checked with every other string of the request (inputGuard). The walk is iterative, so no input can exhaust the
 * stack, and it allocates only for objects and arrays.
 */
export function checkEventData(value: unknown, field = 'data'): RuleViolation[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ field, message: 'must be a JSON object' }];
  const stack: Array<{ node: object; depth: number }> = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_EVENT_DATA_DEPTH) return [{ field, message: `is nested too deeply; at most ${MAX_EVENT_DATA_DEPTH} levels are allowed` }];
    for (const item of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof item === 'object' && item !== null) stack.push({ node: item, depth: depth + 1 });
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
