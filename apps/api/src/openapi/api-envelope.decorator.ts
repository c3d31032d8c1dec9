import { applyDecorators, RequestMethod, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { RESPONSE_MESSAGE } from '../common/envelope';
import { envelopeOf, pageOf } from './envelope.schemas';

export interface EnvelopeOptions {
  /** Defaults to the route's own: its @HttpCode, else 201 for POST and 200 for the rest. */
  status?: number;
  description?: string;
  /** `data` is an array of the model. */
  isArray?: boolean;
  /** `data` is a cursor page `{ items, next_cursor }` of the model. */
  page?: boolean;
}

/**
 * The success answer: `{ message, data: <model>, error: false }`. Write it ABOVE the route decorators (@Get, @HttpCode,
 * @ResponseMessage): decorators apply bottom-up, so theirs are already recorded and the documented status and message
 * are the ones the route really answers with.
 */
export function ApiEnvelope(model: Type<unknown>, options: EnvelopeOptions = {}): MethodDecorator {
  return (target, key, descriptor) => {
    const handler = descriptor.value as object;
    const status = options.status ?? routeStatus(handler, String(key));
    const message: string = Reflect.getMetadata(RESPONSE_MESSAGE, handler) ?? 'ok';
    const item = { $ref: getSchemaPath(model) };
    const data = options.page ? pageOf(item) : options.isArray ? { type: 'array' as const, items: item } : item;
    applyDecorators(ApiExtraModels(model), ApiResponse({ status, description: options.description ?? message, schema: envelopeOf(data, message) }))(target, key, descriptor);
  };
}

function routeStatus(handler: object, name: string): number {
  const code: number | undefined = Reflect.getMetadata(HTTP_CODE_METADATA, handler);
  if (code) return code;
  const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
  if (method === undefined) throw new Error(`@ApiEnvelope on ${name} must be written above its route decorator (@Get, @Post...)`);
  return method === RequestMethod.POST ? 201 : 200;
}
