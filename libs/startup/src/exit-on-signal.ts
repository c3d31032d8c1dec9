import { INestApplicationContext, Logger } from '@nestjs/common';

/**
 * SIGTERM or SIGINT: close the app (its lifecycle hooks run: the worker drains its in-flight attempts, the API stops
 * taking requests and hands what it committed to Redis; then Redis and PostgreSQL close) and exit 0. A close that
 * outlives `timeoutMs` exits 1; a second signal exits at once (runMain). What a worker still had in flight is
 * recovered by Bull's stalled-job check on another worker, so nothing is lost either way.
 */
export function exitOnSignal(app: INestApplicationContext, name: string, timeoutMs: number): void {
  const logger = new Logger(name);
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: finishing what is in flight, then exiting`);
    const deadline = setTimeout(() => {
      logger.error(`Shutdown took longer than ${timeoutMs} ms; exiting anyway`);
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
