import { INestApplication, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@hookline/config';
import { json, NextFunction, Request, Response } from 'express';
import { InspectorModule } from './inspector.module';

/** Builds the inspector without listening, so the tests and main.ts start it the same way. */
export async function createInspectorApp(logLevel: AppConfig['logLevel']): Promise<INestApplication> {
  // No global body parser: bins must store the exact bytes that arrived, whatever their content type.
  const app = await NestFactory.create<NestExpressApplication>(InspectorModule, {
    bodyParser: false,
    logger: logLevels(logLevel),
    abortOnError: false,
    // A browser page keeps connections open; closing must not wait for it.
    forceCloseConnections: true,
  });
  app.disable('x-powered-by');
  app.use('/bins', json({ limit: '16kb' }), jsonErrors);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, errorHttpStatusCode: 422 }));
  app.enableShutdownHooks();
  return app;
}

export async function startInspector(config: AppConfig): Promise<INestApplication> {
  const app = await createInspectorApp(config.logLevel);
  // Every interface, so the API's worker reaches it from another container of the compose network.
  await app.listen(config.inspectorPort, '0.0.0.0');
  return app;
}

function logLevels(level: AppConfig['logLevel']): LogLevel[] | false {
  const order: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
  const upTo = { silent: -1, error: 0, warn: 1, info: 2, debug: 4 }[level];
  return upTo < 0 ? false : order.slice(0, upTo + 1);
}

/** Malformed or oversized JSON on the inspector's own API is the caller's mistake: 400/413, never 500. */
function jsonErrors(error: { status?: number; message?: string } | undefined, _request: Request, response: Response, next: NextFunction): void {
  if (!error) return next();
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 400;
  response.status(status).json({ statusCode: status, message: error.message ?? 'Bad request', error: 'Bad Request' });
}
