import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { runMain } from '../../cli/src/run-main';
import { startWorker } from './bootstrap';

runMain('worker', async (config) => {
  const app = await startWorker(config);
  new Logger('worker').log(`Hookline worker processing deliveries (concurrency ${config.workerConcurrency})`);
  return app;
});
