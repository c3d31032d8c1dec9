import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@hookline/config';
import { listeningUrl } from '@hookline/startup';
import { startInspector } from './bootstrap';

/** `npm run inspector`: needs neither PostgreSQL nor Redis, so no preflight; only its port and log level matter. */
(async () => {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`inspector: ${error.message}\n`);
    process.exit(1);
  }
  const app = await startInspector(config);
  const base = listeningUrl(app.getHttpServer().address(), config.host);
  new Logger('inspector').log(`Webhook inspector on ${base} — create a bin: curl -s -X POST ${base}/bins`);
})().catch((error: unknown) => {
  process.stderr.write(`inspector: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
