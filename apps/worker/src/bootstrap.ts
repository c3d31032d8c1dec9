import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@hookline/config';
import { nestLogLevels } from '../../api/src/bootstrap';
import { WorkerModule } from './worker.module';

/**
 * The worker is an application context: no HTTP server, only the Bull processor, the outbox sweeper and the retention
 * job. Signals are main.ts's (exitOnSignal): Nest's own shutdown hooks would re-raise the signal, not exit 0.
 */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: nestLogLevels(config.logLevel), abortOnError: false });
}
