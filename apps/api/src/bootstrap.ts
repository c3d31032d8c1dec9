import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@hookline/config';
import type { Server } from 'node:http';
import { listenFailure } from '@hookline/startup';
import { json, NextFunction, Request, Response, urlencoded } from 'express';
import { HttpMetrics, QuietStartupLogger } from '@hookline/observability';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { API_LOGGER, AppModule } from './app.module';
import { applyEnvelope } from './common/envelope-handlers';
import { requestObserver } from './metrics/request-observer.middleware';
import { mountBullBoard } from './bull-board';
import { mountOpenApi } from './openapi/openapi.document';
import { ApiError } from './common/api-error';
import { inputGuard } from './common/input-guard';
import { requireOperatorToken } from './common/operator-token.middleware';

/** Builds the API app without listening, so tests and main.ts start it the same way. */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true, abortOnError: false });
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.disable('x-powered-by');
  // A client that sends its head or its body slowly holds a socket and a request's memory; Node's defaults (60 s and
  // 300 s) let a few thousand slow uploads tie up a process for five minutes each.
  const server = app.getHttpServer() as Server;
  server.headersTimeout = config.httpHeadersTimeoutMs;
  server.requestTimeout = config.httpRequestTimeoutMs;
  if (config.trustProxy > 0) app.set('trust proxy', config.trustProxy);
  // Express would hash every JSON answer into a weak ETag; no client of this API revalidates, so that is CPU for nothing.
  app.set('etag', false);
  app.use(requestObserver(app.get<PinoLogger>(API_LOGGER), app.get(HttpMetrics)));
  // Large enough for a 256 KiB event plus its envelope; above it, 413 before any handler runs.
  app.use(json({ limit: config.maxEventBytes + 16 * 1024 }));
  app.use(urlencoded({ extended: false, limit: '64kb' }));
  app.use(bodyParserErrors);
  // Every string a request may carry into storage is checked here, once, before anything recursive runs on the body.
  app.use(inputGuard);
  mountBullBoard(app, config);
  app.use('/metrics', requireOperatorToken(config.metricsToken, 'GET /metrics (METRICS_TOKEN is set)'));
  app.use(['/docs', '/docs-json'], requireOperatorToken(config.docsToken, 'The OpenAPI documents (DOCS_TOKEN is set)'));
  mountOpenApi(app);
  applyEnvelope(app);
  return app;
}

/** Listens on HOST:PORT (127.0.0.1 by default: set HOST=0.0.0.0 to be reached from other machines). */
export async function startApi(config: AppConfig): Promise<INestApplication> {
  const app = await createApiApp(config);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenFailure(error, 'PORT', config.host, config.port);
  }
  return app;
}

/** Body-parser's errors, named for the envelope before Nest's exception layer sees them. */
function bodyParserErrors(error: { type?: string } | undefined, _request: Request, _response: Response, next: NextFunction): void {
  if (error?.type === 'entity.parse.failed') return next(ApiError.badRequest('malformed_json', 'Request body is not valid JSON'));
  if (error?.type === 'entity.too.large') return next(new ApiError(413, 'payload_too_large', 'Request body is too large'));
  if (error?.type === 'encoding.unsupported' || error?.type === 'charset.unsupported') {
    return next(new ApiError(415, 'unsupported_media_type', 'Unsupported body encoding'));
  }
  next(error);
}
