import { listenFailure } from '@hookline/startup';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

export interface MetricsSource {
  metrics(): Promise<string>;
  contentType: string;
}

/**
 * The worker's metrics and health routes, served by MetricsServer (one worker process) or by the supervisor
 * (WORKER_PROCESSES > 1): `GET /metrics` from `source`, `GET /health` (200, or 503 once `draining()`), 404 for any
 * other path, 405 for any other method. Reads no request body.
 */
export function metricsHttpServer(source: MetricsSource, draining: () => boolean, token: string | null = null): Server {
  return createServer((request, response) => void handle(source, draining, token, request, response));
}

/** Listens on HOST; rejects, naming WORKER_METRICS_PORT, when the port cannot be bound. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: unknown) => reject(listenFailure(error, 'WORKER_METRICS_PORT', host, port));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

async function handle(source: MetricsSource, draining: () => boolean, token: string | null, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, 'application/json', '{"error":"method not allowed"}');
  if (path === '/health') {
    return draining() ? answer(response, 503, 'application/json', '{"status":"draining"}') : answer(response, 200, 'application/json', '{"status":"ok"}');
  }
  if (path !== '/metrics') return answer(response, 404, 'application/json', '{"error":"not found"}');
  // METRICS_TOKEN, as on the API: /health stays open for the orchestrator's probe.
  if (token !== null && !bearerMatches(request.headers.authorization, token)) {
    return answer(response, 401, 'application/json', '{"error":"GET /metrics needs Authorization: Bearer <token> (METRICS_TOKEN is set)"}');
  }
  try {
    answer(response, 200, source.contentType, await source.metrics());
  } catch (error) {
    answer(response, 500, 'text/plain; charset=utf-8', `metrics unavailable: ${(error as Error).message}\n`);
  }
}

function answer(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
