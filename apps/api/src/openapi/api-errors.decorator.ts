import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { errorEnvelopeRef } from './envelope.schemas';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

/** What each status means across the API, and the `data.code` it carries (http-exception.filter.ts). */
const MEANING: Record<ErrorStatus, { code: string; description: string }> = {
  400: { code: 'malformed_json', description: 'Malformed request: the body is not valid JSON (`malformed_json`) or a required part is missing' },
  401: { code: 'unauthorized', description: 'Missing, invalid or revoked credentials' },
  403: { code: 'forbidden', description: 'The resource cannot be changed by the caller' },
  404: { code: 'not_found', description: "Unknown id, or another tenant's: both answer the same" },
  409: { code: 'conflict', description: "The resource's state does not allow this now" },
  413: { code: 'payload_too_large', description: 'The body or file is larger than the limit' },
  422: {
    code: 'validation_failed',
    description:
      'Validation failed: `data.details` has one entry per offending field (also: a body nested deeper than 128 levels, a string holding U+0000 or an unpaired surrogate, a top-level `__proto__`/`constructor`/`prototype` key, a cursor this API did not give out)',
  },
  429: {
    code: 'rate_limited',
    description: 'Too many requests for this tenant in the last 60 s (`rate_limited`), or too many failed logins from this address (`too_many_failed_logins`); wait `Retry-After` seconds',
  },
  503: { code: 'service_unavailable', description: 'The database or the queue is unavailable; retry after `Retry-After` seconds' },
};

const VALIDATION_DETAIL = { field: 'user_id', message: 'user_id must be an integer' };

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };

/**
 * Error answers in the envelope `{ message, data: { code, details }, error: true }`. A status alone takes the generic
 * meaning above; `[status, 'code: why']` says what this route means by it (the leading snake_case code becomes the
 * example's `data.code`). Works on a class (every route) or a method.
 */
export function ApiErrors(...errors: Array<ErrorStatus | [ErrorStatus, string]>): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ...errors.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, MEANING[entry].description];
      const code = /^[a-z]+(?:_[a-z]+)+/.exec(description)?.[0] ?? MEANING[status].code;
      // The example sits beside the schema (media type level): next to a $ref, OpenAPI 3.0 ignores it.
      const options = {
        status,
        description,
        schema: errorEnvelopeRef(),
        example: { message: description, data: { code, details: status === 422 ? [VALIDATION_DETAIL] : [] }, error: true },
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      };
      return ApiResponse(options);
    }),
  );
}

/** Every route with a JSON body: malformed JSON, a body over the size limit, a field failing validation. */
export const BODY_ERRORS = [400, 413, 422] as const;
