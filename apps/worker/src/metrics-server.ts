import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger as Pino } from 'pino';
import { Registry } from 'prom-client';
import { WORKER_LOG } from './worker-log';

/**
 * The worker's only HTTP surface, on WORKER_METRICS_PORT (0: none): `GET /metrics` (Prometheus text) and `GET /health`
 * (200 while running, 503 once it is draining). It serves nothing a tenant sends and reads no request body. A port
 * that cannot be bound is logged as an error and deliveries carry on: metrics are never worth stopping delivery for.
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
    const server = createServer((request, response) => void this.handle(request, response));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '0.0.0.0', () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.server = server;
      this.log.info({ port }, 'Worker metrics on GET /metrics and GET /health');
    } catch (error) {
      this.log.error({ port, err_message: (error as Error).message }, 'Worker metrics server could not listen; deliveries continue without it');
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

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, 'application/json', '{"error":"method not allowed"}');
    if (path === '/health') {
      return this.draining ? answer(response, 503, 'application/json', '{"status":"draining"}') : answer(response, 200, 'application/json', '{"status":"ok"}');
    }
    if (path !== '/metrics') return answer(response, 404, 'application/json', '{"error":"not found"}');
    try {
      answer(response, 200, this.registry.contentType, await this.registry.metrics());
    } catch (error) {
      answer(response, 500, 'text/plain; charset=utf-8', `metrics unavailable: ${(error as Error).message}\n`);
    }
  }
}

function answer(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
