import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { isDatabaseUnavailable, InvalidCursorError } from '@hookline/db';
import type { Response } from 'express';
import { ApiError, ErrorDetail } from './api-error';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/**
 * Every error leaves as the envelope `{ message, data: { code, details }, error: true }`. Bad input is a 4xx, a missing
 * database a 503; anything else is a 500 whose cause stays in the log, never in the answer.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, code, message, details, headers } = this.describe(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(status).json({ message, data: { code, details }, error: true });
  }

  private describe(exception: unknown): { status: number; code: string; message: string; details: ErrorDetail[]; headers: Record<string, string> } {
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), code: exception.code, message: exception.message, details: exception.details, headers: exception.headers };
    }
    if (exception instanceof InvalidCursorError) {
      return { status: 422, code: 'validation_failed', message: 'Validation failed', details: [{ field: 'cursor', message: exception.message }], headers: {} };
    }
    // body-parser's errors carry `type` and `status`: malformed JSON, too large, wrong charset.
    const bodyError = exception as { type?: string; status?: number; message?: string };
    if (bodyError?.type === 'entity.parse.failed') {
      return { status: 400, code: 'malformed_json', message: 'Request body is not valid JSON', details: [], headers: {} };
    }
    if (bodyError?.type === 'entity.too.large') {
      return { status: 413, code: 'payload_too_large', message: 'Request body is too large', details: [], headers: {} };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
      return { status, code: CODES[status] ?? 'error', message: Array.isArray(message) ? message.join('; ') : message, details: [], headers: {} };
    }
    if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
      return { status: bodyError.status, code: CODES[bodyError.status] ?? 'bad_request', message: bodyError.message ?? 'Bad request', details: [], headers: {} };
    }
    if (isDatabaseUnavailable(exception)) {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, code: 'service_unavailable', message: 'The database is unavailable; try again shortly', details: [], headers: { 'Retry-After': '5' } };
    }
    return { status: 500, code: 'internal_error', message: 'Internal server error', details: [], headers: {} };
  }
}
