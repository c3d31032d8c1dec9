import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@hookline/config';
import { QuietStartupLogger } from '@hookline/observability';
import { createWorkerLog, PinoNestLogger } from './worker-log';
import { WorkerModule } from './worker.module';

/**
 * The worker is an application context: the Bull processor, the outbox sweeper, the retention job, the recovery probe
 * and a tiny metrics/health server (WORKER_METRICS_PORT). Every line it logs, Nest's own included, is pino JSON.
 * Signals are main.ts's (exitOnSignal): Nest's own shutdown hooks would re-raise the signal, not exit 0.
 */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  const log = createWorkerLog(config.logLevel);
  return NestFactory.createApplicationContext(WorkerModule.forRoot(config, log), { logger: new QuietStartupLogger(new PinoNestLogger(log)), abortOnError: false });
}
