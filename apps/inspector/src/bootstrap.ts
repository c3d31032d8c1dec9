import { ConsoleLogger, INestApplication, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@hookline/config';
import { QuietStartupLogger } from '@hookline/observability';
import { listenFailure } from '@hookline/startup';
import { json, NextFunction, Request, Response } from 'express';
import { InspectorModule } from './inspector.module';

export interface InspectorOptions {
  logLevel: AppConfig['logLevel'];
  /** INSPECTOR_PUBLIC_URL: the base of bin URLs, when senders reach the inspector by another name than its users. */
  publicUrl?: string | null;
}

/** Builds the inspector without listening, so the tests and main.ts start it the same way. */
export async function createInspectorApp({ logLevel, publicUrl = null }: InspectorOptions): Promise<INestApplication> {
  const levels = logLevels(logLevel);
  // No global body parser: bins must store the exact bytes that arrived, whatever their content type.
  const app = await NestFactory.create<NestExpressApplication>(InspectorModule.forRoot(publicUrl), {
    bodyParser: false,
    logger: levels === false ? false : new QuietStartupLogger(new ConsoleLogger({ logLevels: levels })),
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

/** On HOST (the compose file sets 0.0.0.0, so the worker's container reaches it) and INSPECTOR_PORT. */
export async function startInspector(config: AppConfig): Promise<INestApplication> {
  const app = await createInspectorApp({ logLevel: config.logLevel, publicUrl: config.inspectorPublicUrl });
  try {
    await app.listen(config.inspectorPort, config.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenFailure(error, 'INSPECTOR_PORT', config.host, config.inspectorPort);
  }
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
