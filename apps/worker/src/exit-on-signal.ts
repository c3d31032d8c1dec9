import { INestApplicationContext, Logger } from '@nestjs/common';

/**
 * SIGTERM or SIGINT: close the worker (the processor drains first: no new jobs, in-flight attempts finish; then the
 * sweeper, retention, Redis and PostgreSQL close) and exit 0. A close that outlives `timeoutMs` exits 1; whatever was
 * still in flight is recovered by Bull's stalled-job check on another worker, so nothing is lost either way.
 */
export function exitOnSignal(app: INestApplicationContext, timeoutMs: number): void {
  const logger = new Logger('worker');
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: draining in-flight attempts, then exiting`);
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
