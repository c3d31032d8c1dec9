import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { runMain } from '../../cli/src/run-main';
import { startWorker } from './bootstrap';
import { exitOnSignal } from './exit-on-signal';

runMain('worker', async (config) => {
  const app = await startWorker(config);
  exitOnSignal(app, config.workerShutdownTimeoutMs);
  new Logger('worker').log(`Hookline worker processing deliveries (concurrency ${config.workerConcurrency})`);
  return app;
});
