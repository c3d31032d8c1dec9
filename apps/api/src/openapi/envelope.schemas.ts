import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/** Component names the decorators refer to; the document builder registers the schemas under them. */
export const ERROR_ENVELOPE = 'ErrorEnvelope';
export const ERROR_DETAIL = 'ErrorDetail';

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

/** The shapes of http-exception.filter.ts: every error, whatever its status. */
export const ENVELOPE_COMPONENTS: Record<string, SchemaObject> = {
  [ERROR_DETAIL]: {
    type: 'object',
    required: ['message'],
    properties: {
      field: { type: 'string', description: 'The offending field, dotted for nested ones (`custom_headers.X-Token`)', example: 'url' },
      message: { type: 'string', example: 'url must be an absolute http or https URL' },
    },
  },
  [ERROR_ENVELOPE]: {
    type: 'object',
    required: ['message', 'data', 'error'],
    properties: {
      message: { type: 'string', description: 'What went wrong, for people', example: 'Validation failed' },
      data: {
        type: 'object',
        required: ['code', 'details'],
        properties: {
          code: { type: 'string', description: 'Machine code to branch on', example: 'validation_failed' },
          details: { type: 'array', items: ref(ERROR_DETAIL), description: 'One entry per offending field (422); empty otherwise' },
        },
      },
      error: { type: 'boolean', enum: [true] },
    },
  },
};

export const errorEnvelopeRef = (): ReferenceObject => ref(ERROR_ENVELOPE);

/** `{ message, data, error: false }` around a success answer's data (envelope.interceptor.ts). */
export function envelopeOf(data: SchemaObject | ReferenceObject, message: string): SchemaObject {
  return {
    type: 'object',
    required: ['message', 'data', 'error'],
    properties: { message: { type: 'string', example: message }, data, error: { type: 'boolean', enum: [false] } },
  };
}

/** A cursor page: pass `next_cursor` back as `?cursor=` until it is null. */
export function pageOf(item: ReferenceObject): SchemaObject {
  return {
    type: 'object',
    required: ['items', 'next_cursor'],
    properties: {
      items: { type: 'array', items: item },
      next_cursor: { type: 'string', nullable: true, description: 'Opaque; null on the last page' },
    },
  };
}
