import './lib-aliases';
import { preflight } from '@hookline/startup';
import { existsSync } from 'node:fs';
import { testEnv } from './test-env';

/** Debian's Chromium, which the browser tests drive with playwright-core (they never download a browser). */
export const CHROMIUM = '/usr/bin/chromium';
const BROWSER_SUITES = /inspector|portal/;

/**
 * Stops the integration and end-to-end suites at once, with a way out, when PostgreSQL or Redis is not there, or when
 * a run that includes the browser tests finds no Chromium: before any suite starts, not minutes into the run.
 */
export default async function globalSetup(globalConfig: { testPathPattern?: string }): Promise<void> {
  const env = testEnv();
  const problems = await preflight(env.DATABASE_URL, env.REDIS_URL);
  const pattern = globalConfig.testPathPattern ?? '';
  if ((pattern === '' || BROWSER_SUITES.test(pattern)) && !existsSync(CHROMIUM)) {
    problems.push(`Chromium is not installed at ${CHROMIUM}; the browser tests need it: sudo apt-get install -y chromium`);
  }
  if (problems.length > 0) {
    process.stderr.write(`\nThe integration and end-to-end suites need PostgreSQL, Redis and (for the browser tests) Chromium.\n  ${problems.join('\n  ')}\n\n`);
    process.exit(1);
  }
}
