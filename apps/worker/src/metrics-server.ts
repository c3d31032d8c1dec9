import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { listeningUrl } from '@hookline/startup';
import { Server } from 'node:http';
import type { Logger as Pino } from 'pino';
import { Registry } from 'prom-client';
import { answerSupervisorMetrics } from './cluster-metrics';
import { listen, metricsHttpServer } from './metrics-http';
import { WORKER_LOG } from './worker-log';
import { isSupervisedProcess } from './worker-processes';

/**
 * The worker's only HTTP surface, on WORKER_METRICS_PORT (0: none): `GET /metrics` (Prometheus text) and `GET /health`
 * (200 while running, 503 once it is draining). It serves nothing a tenant sends and reads no request body. A port
 * that cannot be bound is logged as an error and deliveries carry on: metrics are never worth stopping delivery for.
 * Under WORKER_PROCESSES > 1 the supervisor serves the port (superviseWorkers) and each worker process only hands its
 * registry over when the supervisor asks for it; see answerSupervisorMetrics.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private server: Server | null = null;
  private draining = false;

  constructor(
    private readonly registry: Registry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_LOG) private readonly log: Pino,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.workerMetricsPort;
    if (port === 0) return;
    if (isSupervisedProcess(this.config.workerProcesses)) {
      answerSupervisorMetrics(this.registry);
      return;
    }
    const server = metricsHttpServer({ metrics: () => this.registry.metrics(), contentType: this.registry.contentType }, () => this.draining, this.config.metricsToken);
    try {
      await listen(server, port, this.config.host);
      this.server = server;
      this.log.info({ port, host: this.config.host }, `Worker metrics on GET /metrics and GET /health at ${listeningUrl(server.address(), this.config.host)}`);
    } catch (error) {
      this.log.error({ port, err_message: (error as Error).message }, `Worker metrics server could not listen: ${(error as Error).message}; deliveries continue without it`);
    }
  }

  /** Health says "draining" from the moment the worker starts to stop; metrics stay up until the very end. */
  onModuleDestroy(): void {
    this.draining = true;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // A scraper's keep-alive connection would hold close() open.
      server.closeAllConnections();
    });
  }
}
