import { PERCENT_ENCODING_HINT, redactUrl } from '@hookline/config';
import { connect as connectTcp, Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { Client } from 'pg';

/**
 * Checks that PostgreSQL and Redis are really there before anything else starts, so a missing or misnamed service
 * stops `npm start` and `npm test` at once with a message instead of a stack trace or a hang: PostgreSQL by logging in
 * (a database that does not exist yet is fine: `npm start` creates it), Redis by AUTH, SELECT of the URL's database
 * index and PING, so a Redis that refuses the index, or a URL that names some other server's port, is caught here.
 */
export async function preflight(databaseUrl: string, redisUrl: string, timeoutMs = 3000): Promise<string[]> {
  const problems = await Promise.all([checkPostgres(databaseUrl, timeoutMs), checkRedis(redisUrl, timeoutMs)]);
  return problems.filter((problem): problem is string => problem !== null);
}

const POSTGRES_HINT =
  "Start one with `docker compose up -d postgres`, or install Debian/Ubuntu's `postgresql` package " +
  '(`pg_ctlcluster <version> main start`), or point DATABASE_URL at a running server.';
const REDIS_HINT =
  'Start one with `docker compose up -d redis`, or install the `redis-server` package ' +
  '(`redis-server --daemonize yes`), or point REDIS_URL at a running server.';

async function checkPostgres(databaseUrl: string, timeoutMs: number): Promise<string | null> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  // A server that drops the connection later must not crash this process through an unhandled 'error'.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return null;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    // The database itself is made by `npm start` / `npm run migration:run` (ensureDatabase).
    if (code === '3D000') return null;
    const reason = code && /^[0-9A-Z]{5}$/.test(code) ? `${message} (SQLSTATE ${code})` : (code ?? message ?? String(error));
    const hint = code === '28P01' || code === '28000' ? `Check the user name and password in DATABASE_URL; ${PERCENT_ENCODING_HINT}.` : POSTGRES_HINT;
    return `PostgreSQL is not reachable at ${redactUrl(databaseUrl)} (${reason}).\n    ${hint}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(redisUrl: string, timeoutMs: number): Promise<string | null> {
  const url = new URL(redisUrl);
  const db = Number(url.pathname.replace(/^\//, '') || 0);
  const commands: string[][] = [];
  if (url.password) commands.push(url.username ? ['AUTH', decodeURIComponent(url.username), decodeURIComponent(url.password)] : ['AUTH', decodeURIComponent(url.password)]);
  if (db !== 0) commands.push(['SELECT', String(db)]);
  commands.push(['PING']);
  const where = redactUrl(redisUrl);
  let replies: string[];
  try {
    replies = await talk(url, commands, timeoutMs);
  } catch (error) {
    return `Redis is not reachable at ${where} (${(error as Error).message}).\n    ${REDIS_HINT}`;
  }
  for (const [index, command] of commands.entries()) {
    const reply = replies[index];
    if (reply.startsWith('+') || reply.startsWith(':')) continue;
    if (!reply.startsWith('-')) return `The server at ${where} does not speak the Redis protocol (it answered ${JSON.stringify(reply.slice(0, 40))}): is REDIS_URL pointing at another service's port?`;
    const error = reply.slice(1);
    if (command[0] === 'SELECT') return `Redis at ${where} refuses database index ${db} (${error}): use an index below the server's \`databases\` setting (16 by default).`;
    if (command[0] === 'AUTH') return `Redis at ${where} refuses the credentials in REDIS_URL (${error}); ${PERCENT_ENCODING_HINT}.`;
    if (/NOAUTH/i.test(error)) return `Redis at ${where} needs a password (${error}): put it in REDIS_URL as redis://:password@host:port/db.`;
    return `Redis at ${where} answered PING with an error (${error}).`;
  }
  return null;
}

/** Sends the commands (RESP arrays) and reads one reply line each; a server that is not Redis fails or answers oddly. */
function talk(url: URL, commands: string[][], timeoutMs: number): Promise<string[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(url.port || 6379);
  const payload = commands.map((parts) => `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`).join('');
  return new Promise((resolve, reject) => {
    const socket: Socket = url.protocol === 'rediss:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    let buffer = '';
    const done = (error: Error | null, replies?: string[]) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(replies!);
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once(url.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      // Not Redis: a reply that does not start like one is enough to know.
      if (!/^[+\-:$*]/.test(buffer)) return done(null, [buffer.split('\r\n')[0] || buffer.slice(0, 40)]);
      const lines = buffer.split('\r\n');
      if (lines.length - 1 >= commands.length) done(null, lines.slice(0, commands.length));
    });
    socket.once('end', () => done(new Error(buffer ? `connection closed after ${JSON.stringify(buffer.slice(0, 40))}` : 'the server closed the connection without answering PING: is REDIS_URL pointing at another service\'s port?')));
    socket.once('error', (error: NodeJS.ErrnoException) => done(new Error(error.code ?? error.message)));
  });
}
