import { Logger } from '@nestjs/common';
import cluster, { Worker } from 'node:cluster';
import { serveClusterMetrics } from './cluster-metrics';

/** A worker process that dies sooner than this after its start counts as a crash loop. */
const QUICK_DEATH_MS = 5000;
const MAX_QUICK_DEATHS = 5;
const RESTART_DELAY_MS = 1000;

/**
 * WORKER_PROCESSES > 1: this process only supervises that many worker processes (node:cluster), each a complete
 * worker with its own WORKER_CONCURRENCY slots, Redis and PostgreSQL connections. They share nothing in memory, which
 * is safe for the same reasons several worker replicas are (Bull's job locks, the sweeper's and the retention job's
 * advisory locks); the per-endpoint in-flight bound is per process, like it is per replica. A process that dies is
 * started again (its jobs come back through Bull's stalled-job check), unless it keeps dying at once. SIGTERM or
 * SIGINT is passed on; each process drains as a single worker does, and this one exits 0 when all have exited 0.
 * This process serves WORKER_METRICS_PORT (`metricsPort`, 0: none): `GET /metrics` answers the sum over all worker
 * processes (cluster-metrics.ts), `GET /health` 200 until it starts stopping, then 503.
 */
export function superviseWorkers(count: number, shutdownTimeoutMs: number, metricsPort = 0, host = '127.0.0.1', metricsToken: string | null = null): void {
  const logger = new Logger('worker');
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let quickDeaths = 0;
  let failed = false;

  const start = () => startedAt.set(cluster.fork(), Date.now());
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      // A process that did not drain cleanly (or was killed while stopping) makes the whole stop a failure.
      if (code !== 0) failed = true;
      if (startedAt.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    logger.error(`Worker process ${worker.process.pid} exited (${signal ?? `code ${code}`}) after ${lived} ms`);
    quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    if (quickDeaths >= MAX_QUICK_DEATHS) {
      logger.error(`Worker processes keep exiting at start; giving up`);
      stop('SIGTERM', 1);
      return;
    }
    setTimeout(() => {
      if (!stopping) start();
    }, RESTART_DELAY_MS);
  });

  const stop = (signal: NodeJS.Signals, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    if (exitCode !== 0) failed = true;
    logger.log(`${signal}: stopping ${startedAt.size} worker processes`);
    // Each process bounds its own drain by WORKER_SHUTDOWN_TIMEOUT_MS; this is only the backstop.
    setTimeout(() => {
      logger.error(`Worker processes still running after ${shutdownTimeoutMs + 5000} ms; exiting anyway`);
      process.exit(1);
    }, shutdownTimeoutMs + 5000).unref();
    if (startedAt.size === 0) process.exit(failed ? 1 : 0);
    for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  if (metricsPort !== 0) {
    serveClusterMetrics(metricsPort, host, () => stopping, metricsToken).then(
      () => logger.log(`Worker metrics (all ${count} processes) on GET /metrics and GET /health at http://${host}:${metricsPort}`),
      (error: unknown) => logger.error(`Worker metrics server could not listen: ${(error as Error).message}; deliveries continue without it`),
    );
  }
  for (let index = 0; index < count; index++) start();
  logger.log(`Hookline worker supervising ${count} worker processes`);
}

/** True in the process that should supervise rather than work. */
export function isSupervisor(count: number): boolean {
  return count > 1 && cluster.isPrimary;
}

/** True in a worker process a supervisor started: it leaves WORKER_METRICS_PORT to the supervisor. */
export function isSupervisedProcess(count: number): boolean {
  return count > 1 && cluster.isWorker;
}
