import { AggregatorRegistry, Registry } from 'prom-client';
import { listen, metricsHttpServer } from './metrics-http';

/*
 * WORKER_PROCESSES > 1: the supervisor serves WORKER_METRICS_PORT itself and answers each scrape with every worker
 * process's registry combined, through prom-client's AggregatorRegistry (the supervisor asks each connected process
 * over the cluster IPC channel; each answers with its registry as JSON). Counters and histograms are summed; a metric
 * may choose another aggregator (the platform gauges, the same reading in every process, take the max; prom-client's
 * own process metrics choose theirs). The worker processes bind no port.
 */

let answering = false;

/**
 * In a worker process under a supervisor: answer the supervisor's metrics requests with `registry`, or with no series
 * while there is none yet. Called once the process starts (so a process still starting answers at once, rather than
 * leaving the supervisor's scrape to wait out prom-client's 5 s timeout) and again with the registry once it exists.
 */
export function answerSupervisorMetrics(registry?: Registry): void {
  // The constructor installs prom-client's process-wide IPC listener (once); the instance itself is not needed.
  if (!answering) new AggregatorRegistry();
  answering = true;
  // Only Hookline's registry: never prom-client's global one, which nothing here uses.
  AggregatorRegistry.setRegistries(registry ? [registry] : []);
}

/**
 * In the supervisor: `GET /metrics` (every worker process's metrics, combined) and `GET /health` (200, or 503 once
 * `draining()`) on `port`. Rejects when the port cannot be bound.
 */
export async function serveClusterMetrics(port: number, host: string, draining: () => boolean, token: string | null = null): Promise<void> {
  const aggregator = new AggregatorRegistry();
  const server = metricsHttpServer({ metrics: () => aggregator.clusterMetrics(), contentType: aggregator.contentType }, draining, token);
  await listen(server, port, host);
  // The supervisor exits with its processes; the server never holds it up.
  server.unref();
}
