import type { NextFunction, Request, Response } from 'express';
import { ApiError, ErrorDetail } from './api-error';

/**
 * Deeper than any body the API accepts (event data stops at 64 levels, custom payloads at 16); anything recursive
 * further on (Nest's validation pipe, class-transformer) is far from the stack's limit.
 */
export const MAX_BODY_DEPTH = 128;

/**
 * As a request object's own keys these would become the DTO's prototype or constructor (class-transformer assigns
 * them); Nest used to delete them silently at every depth instead, changing tenants' data without a word. They are
 * refused at the top level of a body or query, where DTO properties live, and kept as data everywhere below (the
 * webhook rules refuse them in custom payloads, as the contract says).
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

interface Pending {
  node: unknown;
  depth: number;
  parent: Pending | null;
  key: string | number;
}

/**
 * The one check every string the API may store goes through: request bodies and query strings, every key and value
 * at every depth. PostgreSQL's text and jsonb cannot hold U+0000, nor an unpaired UTF-16 surrogate (`"\ud800"` in
 * JSON), which reached the database and answered 500. The walk is iterative (no input can exhaust the stack) and
 * allocates only for objects and arrays; a path is spelled out only for the violation it reports.
 */
export function inspectInput(value: unknown, root: 'body' | 'query'): ErrorDetail | null {
  if (typeof value === 'string') return badString(value) ? { field: root, message: badString(value)! } : null;
  if (typeof value !== 'object' || value === null) return null;
  if (!Array.isArray(value)) {
    for (const key of Object.keys(value)) if (PROTOTYPE_KEYS.has(key)) return { field: key, message: `property ${key} should not exist` };
  }
  const stack: Pending[] = [{ node: value, depth: 1, parent: null, key: root }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node, depth } = entry;
    if (depth > MAX_BODY_DEPTH) return { field: root, message: `is nested too deeply; at most ${MAX_BODY_DEPTH} levels are allowed` };
    const isArray = Array.isArray(node);
    const keys = isArray ? null : Object.keys(node as object);
    const length = isArray ? (node as unknown[]).length : keys!.length;
    for (let index = 0; index < length; index++) {
      const key = isArray ? index : keys![index];
      if (!isArray) {
        const problem = badString(key as string);
        // The key itself is not echoed back: the object holding it is named.
        if (problem) return { field: pathOf(entry) || root, message: `keys ${problem}` };
      }
      const item = (node as Record<string | number, unknown>)[key];
      if (typeof item === 'string') {
        const problem = badString(item);
        if (problem) return { field: pathOf(entry, key), message: problem };
      } else if (typeof item === 'object' && item !== null) {
        stack.push({ node: item, depth: depth + 1, parent: entry, key });
      }
    }
  }
  return null;
}

/** ES2024's String.prototype.isWellFormed (Node 20 has it; the TypeScript lib here is ES2022). */
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

function badString(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (!isWellFormed(text)) return 'must not contain an unpaired UTF-16 surrogate (\\ud800 to \\udfff)';
  return null;
}

/** `custom_payload.a[0].b`: the path of `entry` (empty for the root), then `key` when given. */
function pathOf(entry: Pending, key?: string | number): string {
  const parts: string[] = key === undefined ? [] : [typeof key === 'number' ? `[${key}]` : `.${key}`];
  for (let at: Pending | null = entry; at && at.parent; at = at.parent) parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
  return parts.reverse().join('').replace(/^\./, '');
}

/** After the body parsers, before any route: bad input is a 422 that names the field, and nothing runs on it. */
export function inputGuard(request: Request, _response: Response, next: NextFunction): void {
  const problem = inspectInput(request.body, 'body') ?? inspectInput(request.query, 'query');
  next(problem ? ApiError.validation([problem]) : undefined);
}
