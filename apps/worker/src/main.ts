import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { runMain } from '../../cli/src/run-main';
import { startWorker } from './bootstrap';
import { exitOnSignal } from './exit-on-signal';
import { isSupervisor, superviseWorkers } from './worker-processes';

runMain('worker', async (config) => {
  if (isSupervisor(config.workerProcesses)) return superviseWorkers(config.workerProcesses, config.workerShutdownTimeoutMs);
  const app = await startWorker(config);
  exitOnSignal(app, config.workerShutdownTimeoutMs);
  new Logger('worker').log(`Hookline worker processing deliveries (concurrency ${config.workerConcurrency})`);
  return app;
});
