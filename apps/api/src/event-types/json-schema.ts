import Ajv, { ErrorObject, Options } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';
import { ErrorDetail } from '../common/api-error';

export const MAX_SCHEMA_BYTES = 64 * 1024;
/** Enough to fix a payload; a schema that fails everywhere should not produce a megabyte of errors. */
export const MAX_SCHEMA_ERRORS = 50;

export type DataValidator = (data: unknown) => ErrorDetail[];
export type CompiledSchema = { ok: true; validate: DataValidator } | { ok: false; details: ErrorDetail[] };

const DRAFTS: Record<string, () => Ajv> = {
  'http://json-schema.org/draft-07/schema': () => new Ajv(AJV_OPTIONS),
  'https://json-schema.org/draft/2019-09/schema': () => new Ajv2019(AJV_OPTIONS),
  'https://json-schema.org/draft/2020-12/schema': () => new Ajv2020(AJV_OPTIONS),
};

/**
 * Tenant patterns run against tenant data inside the API process: RE2 matches in linear time, so no schema can stall
 * the event loop with catastrophic backtracking. The price is RE2 syntax (no lookaround, no backreferences), refused
 * when the schema is saved.
 */
const re2: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const compiled = RE2JS.compile(toRe2Syntax(pattern));
    // Ajv keys its compiled patterns by toString(): two patterns must never share one.
    return { test: (text: string) => compiled.matcher(text).find(), toString: () => `/${pattern}/${flags}` };
  },
  { code: 'RE2JS' },
);

const AJV_OPTIONS: Options = {
  allErrors: true,
  // Unknown keywords and formats are refused on save: `properites` is a typo that would otherwise validate nothing.
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  // A tenant's `$id` must never register anything beyond the one schema being compiled.
  addUsedSchema: false,
  logger: false,
  code: { regExp: re2 },
};

/** ECMAScript's `\uXXXX` and `\u{X}` escapes, rewritten as RE2's `\x{X}`; escaped backslashes are left alone. */
export function toRe2Syntax(pattern: string): string {
  return pattern.replace(/\\(\\|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4}))/g, (whole: string, _escape: string, braced?: string, plain?: string) =>
    whole === '\\\\' ? whole : `\\x{${braced ?? plain}}`,
  );
}

/**
 * Checks a tenant's JSON Schema (draft-07 by default; 2019-09 and 2020-12 when `$schema` says so) and compiles it.
 * Each schema gets its own Ajv instance, so tenants' `$id`s can never collide or resolve into each other, and
 * nothing is fetched: a `$ref` outside the schema is an error.
 */
export function compileSchema(schema: unknown, field = 'schema'): CompiledSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return fail(field, 'must be a JSON Schema object');
  const bytes = Buffer.byteLength(JSON.stringify(schema), 'utf8');
  if (bytes > MAX_SCHEMA_BYTES) return fail(field, `must be at most ${MAX_SCHEMA_BYTES} bytes as JSON (got ${bytes})`);
  const declared = (schema as { $schema?: unknown }).$schema;
  const draft = declared === undefined ? 'http://json-schema.org/draft-07/schema' : typeof declared === 'string' ? declared.replace(/#$/, '') : null;
  const create = draft === null ? undefined : DRAFTS[draft];
  if (!create) return fail(`${field}.$schema`, `must be one of ${Object.keys(DRAFTS).join(', ')} (or left out for draft-07)`);
  const ajv = create();
  addFormats(ajv);
  try {
    if (!ajv.validateSchema(schema)) return { ok: false, details: toDetails(ajv.errors, field) };
    if ((schema as { $async?: unknown }).$async === true) return fail(`${field}.$async`, 'asynchronous schemas are not supported');
    const validate = ajv.compile(schema);
    return { ok: true, validate: (data) => (validate(data) ? [] : toDetails(validate.errors, 'data')) };
  } catch (error) {
    return fail(field, (error as Error).message);
  }
}

/** Ajv's errors as envelope details: `data.items[2].sku`, with the missing or unexpected property named in the path. */
export function toDetails(errors: ErrorObject[] | null | undefined, root: string): ErrorDetail[] {
  return (errors ?? []).slice(0, MAX_SCHEMA_ERRORS).map((error) => {
    let field = root + pointerToPath(error.instancePath);
    if (error.keyword === 'required') field += segment(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') field += segment(String(error.params.additionalProperty));
    return { field, message: error.message ?? `fails ${error.keyword}` };
  });
}

function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => segment(part.replace(/~1/g, '/').replace(/~0/g, '~')))
    .join('');
}

function segment(part: string): string {
  return /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
}

function fail(field: string, message: string): CompiledSchema {
  return { ok: false, details: [{ field, message }] };
}
