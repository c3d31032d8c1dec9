import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitOnSignal, listeningUrl, runMain } from '@hookline/startup';
import { startApi } from './bootstrap';

/** Requests in flight and relays to Redis finish within this on SIGTERM; past it the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

runMain('api', async (config) => {
  const app = await startApi(config);
  exitOnSignal(app, 'api', SHUTDOWN_TIMEOUT_MS);
  const url = listeningUrl(app.getHttpServer().address(), config.host);
  new Logger('api').log(`Hookline API listening on ${url} (Bull Board at ${url}/admin/queues, OpenAPI at ${url}/docs)`);
  return app;
});
