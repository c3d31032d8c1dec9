import { preflight } from '../../apps/cli/src/preflight';
import { testEnv } from './test-env';

/** Stops the end-to-end suites at once, with a way out, when PostgreSQL or Redis is not there. */
export default async function globalSetup(): Promise<void> {
  const env = testEnv();
  const problems = await preflight(env.DATABASE_URL, env.REDIS_URL);
  if (problems.length > 0) {
    process.stderr.write(`\nThe end-to-end suites need PostgreSQL and Redis.\n  ${problems.join('\n  ')}\n\n`);
    process.exit(1);
  }
}
