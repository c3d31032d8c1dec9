import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { exitOnSignal, runMain } from '@hookline/startup';
import { startWorker } from './bootstrap';
import { answerSupervisorMetrics } from './cluster-metrics';
import { isSupervisor, superviseWorkers } from './worker-processes';

// A worker process a supervisor started answers its metrics requests from the start (cluster-metrics.ts).
if (cluster.isWorker) answerSupervisorMetrics();

runMain('worker', async (config) => {
  if (isSupervisor(config.workerProcesses)) {
    return superviseWorkers(config.workerProcesses, config.workerShutdownTimeoutMs, config.workerMetricsPort, config.host, config.metricsToken);
  }
  const app = await startWorker(config);
  // The processor drains first (no new jobs, in-flight attempts finish), then the sweeper, retention, Redis, PostgreSQL.
  exitOnSignal(app, 'worker', config.workerShutdownTimeoutMs);
  new Logger('worker').log(`Hookline worker processing deliveries (concurrency ${config.workerConcurrency})`);
  return app;
});
