import { AppConfig, ConfigError, loadConfig } from '@hookline/config';
import { preflight } from './preflight';

export interface RunMainOptions {
  /** The process handles SIGINT and SIGTERM itself from the very start (`npm start`, which stops its children). */
  ownSignals?: boolean;
}

/**
 * The common start of every Hookline process: parse the configuration once, check PostgreSQL and Redis answer,
 * then run. Either problem stops the process at once with a readable message and exit code 1, never a stack trace.
 *
 * Signals: while it is still starting, SIGINT or SIGTERM exits at once (Ctrl-C never waits on a start that hangs).
 * Once started, the first signal is the app's to handle (exitOnSignal: a graceful close); a second Ctrl-C (SIGINT)
 * exits at once, however far the close got. A SIGTERM while closing changes nothing: a Ctrl-C in the terminal of
 * `npm start` reaches every process of it, and `npm start` then sends its children SIGTERM too.
 */
export function runMain(name: string, run: (config: AppConfig) => Promise<unknown>, options: RunMainOptions = {}): void {
  let started = false;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // Alone on the signal (nothing else takes it, or the app's own handler already ran): exit as Node would.
    const handledElsewhere = started && !signalled && process.listenerCount(signal) > 1;
    const alreadyClosing = started && signalled && signal === 'SIGTERM';
    signalled = true;
    if (handledElsewhere || alreadyClosing) return;
    process.stderr.write(`${name}: ${signal}${started ? '' : ' while starting'}: exiting now\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  if (!options.ownSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  (async () => {
    let config: AppConfig;
    try {
      config = loadConfig();
    } catch (error) {
      if (error instanceof ConfigError) return fail(`${name}: ${error.message}`);
      throw error;
    }
    const problems = await preflight(config.databaseUrl, config.redisUrl);
    if (problems.length > 0) return fail(`${name}: cannot start.\n  ${problems.join('\n  ')}`);
    await run(config);
    started = true;
  })().catch((error: unknown) => fail(`${name}: failed to start: ${error instanceof Error ? error.message : String(error)}`));
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
