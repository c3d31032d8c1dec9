import { AppConfig, ConfigError, loadConfig } from '@hookline/config';
import { preflight } from './preflight';

/**
 * The common start of every Hookline process: parse the configuration once, check PostgreSQL and Redis answer,
 * then run. Either problem stops the process at once with a readable message and exit code 1, never a stack trace.
 */
export function runMain(name: string, run: (config: AppConfig) => Promise<unknown>): void {
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
  })().catch((error: unknown) => fail(`${name}: failed to start: ${error instanceof Error ? error.message : String(error)}`));
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
