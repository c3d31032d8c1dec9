import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Anything that may carry a credential is removed from every log line, whatever the logger was handed. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'secret',
  '*.secret',
  'api_key',
  '*.api_key',
  'apiKey',
  '*.apiKey',
  'custom_headers',
  '*.custom_headers',
  'headers.authorization',
  '*.headers.authorization',
];

export function pinoOptions(app: string, level: LogLevel): LoggerOptions {
  return {
    level,
    base: { app },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `X-Request-Id` when it is sane, else a new one; echoed on the response either way. */
export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

export function pinoHttpOptions(app: string, level: LogLevel): PinoHttpOptions {
  return {
    ...pinoOptions(app, level),
    genReqId: requestIdFor,
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
    // The raw request and response go straight to these three-field serializers: pino-http's default wrapping would
    // first copy every header of every request into an object that is then thrown away.
    wrapSerializers: false,
    serializers: {
      req: (request: { id: string; method: string; url: string; originalUrl?: string }) => ({ id: request.id, method: request.method, url: request.originalUrl ?? request.url }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    // Probes and scrapes would drown the log.
    autoLogging: { ignore: (request) => ['/health', '/ready', '/metrics'].includes(request.url ?? '') },
  };
}
