import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { runMain } from '../../cli/src/run-main';
import { startWorker } from './bootstrap';
import { answerSupervisorMetrics } from './cluster-metrics';
import { exitOnSignal } from './exit-on-signal';
import { isSupervisor, superviseWorkers } from './worker-processes';

// A worker process a supervisor started answers its metrics requests from the start (cluster-metrics.ts).
if (cluster.isWorker) answerSupervisorMetrics();

runMain('worker', async (config) => {
  if (isSupervisor(config.workerProcesses)) return superviseWorkers(config.workerProcesses, config.workerShutdownTimeoutMs, config.workerMetricsPort);
  const app = await startWorker(config);
  exitOnSignal(app, config.workerShutdownTimeoutMs);
  new Logger('worker').log(`Hookline worker processing deliveries (concurrency ${config.workerConcurrency})`);
  return app;
});
