import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@hookline/config';
import { nestLogLevels } from '../../api/src/bootstrap';
import { WorkerModule } from './worker.module';

/** The worker is an application context: no HTTP server, only the Bull processor and the outbox sweeper. */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: nestLogLevels(config.logLevel), abortOnError: false });
  app.enableShutdownHooks();
  return app;
}
