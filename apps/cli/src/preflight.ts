import { createConnection } from 'node:net';

/**
 * Checks that PostgreSQL and Redis answer on their ports before anything else starts, so a missing service stops
 * `npm start` and `npm test` at once with a message instead of a stack trace or a hang.
 */
export async function preflight(databaseUrl: string, redisUrl: string, timeoutMs = 3000): Promise<string[]> {
  const problems: string[] = [];
  const checks: Array<[string, string, number, string]> = [
    ['PostgreSQL', databaseUrl, 5432, startHint('postgres')],
    ['Redis', redisUrl, 6379, startHint('redis')],
  ];
  await Promise.all(
    checks.map(async ([name, url, defaultPort, hint]) => {
      const target = new URL(url);
      const host = target.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
      const port = Number(target.port || defaultPort);
      const error = await probe(host, port, timeoutMs);
      if (error) problems.push(`${name} is not reachable at ${redact(url)} (${error}).\n    ${hint}`);
    }),
  );
  return problems;
}

function startHint(service: 'postgres' | 'redis'): string {
  return service === 'postgres'
    ? 'Start one with `docker compose up -d postgres`, or install Debian/Ubuntu\'s `postgresql` package ' +
        '(`pg_ctlcluster <version> main start`), or point DATABASE_URL at a running server.'
    : 'Start one with `docker compose up -d redis`, or install the `redis-server` package ' +
        '(`redis-server --daemonize yes`), or point REDIS_URL at a running server.';
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function probe(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (error: string | null) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}
