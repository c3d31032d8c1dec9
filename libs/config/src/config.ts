import { createHash } from 'node:crypto';
import { parseDuration, parseSchedule } from './duration';
import { PERCENT_ENCODING_HINT, redactUrl } from './redact-url';

/** Everything Hookline reads from its environment, parsed and validated once. */
export interface AppConfig {
  nodeEnv: string;
  /** The address the API, the inspector and the worker's metrics listen on: 127.0.0.1 by default, 0.0.0.0 in Docker. */
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  uploadDir: string;
  /** Where uploads are stored: `local` (UPLOAD_DIR) or `s3` (the `s3` settings). */
  storageDriver: 'local' | 's3';
  s3: S3Config | null;
  maxUploadBytes: number;
  maxEventBytes: number;
  workerConcurrency: number;
  /** Worker processes `npm run start:worker` runs (node:cluster); each has WORKER_CONCURRENCY slots. */
  workerProcesses: number;
  deliveryTimeoutMs: number;
  retrySchedule: number[];
  retryJitter: number;
  disableAfterFailures: number;
  outboxSweepIntervalMs: number;
  allowPrivateTargets: boolean;
  allowedPrivateCidrs: string[];
  encryptionKeys: EncryptionKey[];
  adminToken: string | null;
  bullBoardUser: string;
  bullBoardPassword: string | null;
  secretRotationGraceMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Requests per tenant per minute on the tenant API, counted in Redis across API replicas. */
  rateLimitPerMinute: number;
  /** Webhooks a tenant may have (not deleted): bounds how far one publish can fan out. */
  maxWebhooksPerTenant: number;
  /** When set, GET /metrics (the API's and the worker's) needs `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** When set, the OpenAPI UI and document (/docs, /docs-json) need `Authorization: Bearer <token>`. */
  docsToken: string | null;
  /** The whole request head must arrive within this (slow-header clients); Node's default is 60 s. */
  httpHeadersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (slow uploads); Node's default is 300 s. */
  httpRequestTimeoutMs: number;
  /**
   * Reverse proxies in front of the API to trust for X-Forwarded-For (a hop count; 0: none). Client addresses (the
   * failed-login throttle, request logs) are then the forwarded ones; without it every client behind a proxy shares its
   * address, and one could throttle all.
   */
  trustProxy: number;
  /** Ports a public webhook target may use (ALLOWED_TARGET_PORTS): ranges, inclusive. */
  allowedTargetPorts: Array<[number, number]>;
  /** Attempts one worker runs at once against one endpoint origin; more wait (deferred, not blocking a slot). */
  maxInFlightPerEndpoint: number;
  /** Terminal deliveries, their attempts, events, uploads and error logs older than this are deleted daily. */
  retentionDays: number;
  /** Bull job lock and stalled-job check: how soon a job of a dead worker is handed to another. */
  workerLockMs: number;
  workerStalledIntervalMs: number;
  /** How long a stopping worker waits for in-flight attempts before it exits anyway. */
  workerShutdownTimeoutMs: number;
  inspectorPort: number;
  /** The base of the inspector's bin URLs when its senders reach it by another name (compose: http://inspector:8090). */
  inspectorPublicUrl: string | null;
  /** The worker's own HTTP port for GET /metrics and GET /health; 0 turns it off. */
  workerMetricsPort: number;
  /** How often a webhook the platform disabled is probed with a signed `webhook.probe`; the first 2xx re-enables it. */
  recoveryProbeIntervalMs: number;
  /** On recovery, deliveries the endpoint missed while disabled are replayed if created at most this long ago. */
  recoveryReplayWindowMs: number;
}

/** Set only when STORAGE_DRIVER=s3. No credentials: the AWS SDK's default chain (environment, files, role). */
export interface S3Config {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The first key encrypts; every key decrypts values written under its id. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Used only outside production so `npm start` works on a fresh machine; production must set its own. */
const DEV_ENCRYPTION_KEY = Buffer.alloc(32, 'hookline-development-only-key!!').toString('base64');

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';

  const str = (name: string, fallback: string): string => {
    const value = env[name];
    return value === undefined || value === '' ? fallback : value;
  };
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  // A URL is shown redacted (no user name or password) in every message.
  const url = (name: string, fallback: string, protocols: string[]): string => {
    const value = str(name, fallback);
    let parsed: URL | null = null;
    try {
      parsed = new URL(value);
    } catch {
      problems.push(`${name} is not a valid URL (got "${redactUrl(value)}"); ${PERCENT_ENCODING_HINT}`);
      return value;
    }
    if (!protocols.includes(parsed.protocol)) problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${redactUrl(value)}")`);
    else if (parsed.hash) {
      // `#` starts a fragment: whatever follows it (often the rest of a password, and the host) is not part of the URL.
      problems.push(`${name} has a # in it (got "${redactUrl(value)}"); ${PERCENT_ENCODING_HINT}`);
    }
    return value;
  };
  const duration = (name: string, fallback: string): number => {
    const value = parseDuration(str(name, fallback));
    if (value === null) {
      problems.push(`${name} must be a duration like 30s, 5m or 24h (got "${env[name]}")`);
      return parseDuration(fallback)!;
    }
    return value;
  };

  /** A bearer token for an operator route: unset means open; set, at least 16 characters. */
  const token = (name: string): string | null => {
    const value = env[name] || null;
    if (value !== null && (value.length < 16 || /\s/.test(value))) problems.push(`${name} must be at least 16 characters without spaces`);
    return value;
  };
  /** `80,443,1024-65535`: single ports and inclusive ranges. */
  const ports = (name: string, fallback: string): Array<[number, number]> => {
    const text = str(name, fallback);
    const ranges: Array<[number, number]> = [];
    for (const part of text.split(',').map((item) => item.trim())) {
      const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
      const [low, high] = match ? [Number(match[1]), Number(match[2] ?? match[1])] : [0, -1];
      if (!match || low < 1 || high > 65535 || low > high) {
        problems.push(`${name} must be ports and ranges like 80,443,1024-65535 (got "${text}")`);
        return [[1, 65535]];
      }
      ranges.push([low, high]);
    }
    return ranges;
  };

  const scheduleText = str('RETRY_SCHEDULE', '5s,5m,30m,2h,5h,10h,10h');
  let retrySchedule = parseSchedule(scheduleText);
  if (retrySchedule === null || retrySchedule.length > 50) {
    problems.push(`RETRY_SCHEDULE must be a comma-separated list of at most 50 durations like 5s,5m,2h (got "${scheduleText}")`);
    retrySchedule = [5000];
  }

  const jitterText = str('RETRY_JITTER', '0.2');
  const retryJitter = Number(jitterText);
  if (!Number.isFinite(retryJitter) || retryJitter < 0 || retryJitter >= 1) {
    problems.push(`RETRY_JITTER must be a fraction from 0 to below 1 (got "${jitterText}")`);
  }

  const logLevel = str('LOG_LEVEL', 'info');
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of debug, info, warn, error, silent (got "${logLevel}")`);
  }

  const cidrs = str('ALLOWED_PRIVATE_CIDRS', '')
    .split(',')
    .map((cidr) => cidr.trim())
    .filter(Boolean);
  for (const cidr of cidrs) {
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(cidr)) problems.push(`ALLOWED_PRIVATE_CIDRS has an invalid CIDR "${cidr}"`);
  }

  const encryptionKeys: EncryptionKey[] = [];
  const addKey = (name: string, raw: string): void => {
    const key = decodeKey(raw);
    if (!key) {
      problems.push(`${name} must be 32 bytes, as 64 hex characters or base64 (generate one: openssl rand -base64 32)`);
      return;
    }
    encryptionKeys.push({ id: createHash('sha256').update(key).digest('hex').slice(0, 8), key });
  };
  if (env.ENCRYPTION_KEY) addKey('ENCRYPTION_KEY', env.ENCRYPTION_KEY);
  else if (production) problems.push('ENCRYPTION_KEY is required in production (generate one: openssl rand -base64 32)');
  else addKey('ENCRYPTION_KEY', DEV_ENCRYPTION_KEY);
  for (const raw of str('ENCRYPTION_KEYS_PREVIOUS', '').split(',').filter(Boolean)) {
    addKey('ENCRYPTION_KEYS_PREVIOUS', raw.trim());
  }

  const adminToken = env.ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 16) problems.push('ADMIN_TOKEN must be at least 16 characters');
  let bullBoardPassword = env.BULL_BOARD_PASSWORD || null;
  if (bullBoardPassword === null && !production) bullBoardPassword = 'hookline';

  const recoveryProbeIntervalMs = duration('RECOVERY_PROBE_INTERVAL', '1h');
  if (recoveryProbeIntervalMs < 1000) problems.push(`RECOVERY_PROBE_INTERVAL must be at least 1s (got "${env.RECOVERY_PROBE_INTERVAL}")`);

  const storageDriver = str('STORAGE_DRIVER', 'local');
  if (storageDriver !== 'local' && storageDriver !== 's3') problems.push(`STORAGE_DRIVER must be local or s3 (got "${storageDriver}")`);
  let s3: S3Config | null = null;
  if (storageDriver === 's3') {
    if (!env.S3_BUCKET) problems.push('S3_BUCKET is required when STORAGE_DRIVER=s3');
    s3 = { bucket: str('S3_BUCKET', ''), region: str('S3_REGION', 'us-east-1'), forcePathStyle: bool('S3_FORCE_PATH_STYLE', false) };
    if (env.S3_ENDPOINT) s3.endpoint = url('S3_ENDPOINT', '', ['http:', 'https:']);
    const accessKeyId = env.S3_ACCESS_KEY_ID;
    const secretAccessKey = env.S3_SECRET_ACCESS_KEY;
    if (accessKeyId && secretAccessKey) s3.credentials = { accessKeyId, secretAccessKey };
    else if (accessKeyId || secretAccessKey) problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }

  const databaseUrl = url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/hookline', ['postgres:', 'postgresql:']);
  if (!databaseName(databaseUrl)) {
    // Without one, pg connects to the database named like the user (`postgres`): migrations would land there.
    problems.push(`DATABASE_URL must name its database, e.g. postgres://postgres@127.0.0.1:5432/hookline (got "${redactUrl(databaseUrl)}")`);
  }

  const host = str('HOST', '127.0.0.1');
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) problems.push(`HOST must be an address or host name to listen on, such as 127.0.0.1 or 0.0.0.0 (got "${host}")`);

  const config: AppConfig = {
    nodeEnv,
    host,
    port: int('PORT', 8081, 0, 65535),
    databaseUrl,
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
    queuePrefix: str('QUEUE_PREFIX', 'hookline'),
    uploadDir: str('UPLOAD_DIR', './uploads'),
    storageDriver: storageDriver === 's3' ? 's3' : 'local',
    s3,
    maxUploadBytes: int('MAX_UPLOAD_BYTES', 25 * 1024 * 1024, 1),
    maxEventBytes: int('MAX_EVENT_BYTES', 256 * 1024, 1024),
    workerConcurrency: int('WORKER_CONCURRENCY', 50, 1, 10_000),
    workerProcesses: int('WORKER_PROCESSES', 1, 1, 64),
    deliveryTimeoutMs: int('DELIVERY_TIMEOUT_MS', 15_000, 100, 300_000),
    retrySchedule,
    retryJitter: Number.isFinite(retryJitter) ? retryJitter : 0.2,
    disableAfterFailures: int('DISABLE_AFTER_FAILURES', 10, 1),
    outboxSweepIntervalMs: int('OUTBOX_SWEEP_INTERVAL_MS', 10_000, 100),
    allowPrivateTargets: bool('ALLOW_PRIVATE_TARGETS', false),
    allowedPrivateCidrs: cidrs,
    encryptionKeys,
    adminToken,
    bullBoardUser: str('BULL_BOARD_USER', 'admin'),
    bullBoardPassword,
    secretRotationGraceMs: duration('SECRET_ROTATION_GRACE', '24h'),
    logLevel: logLevel as AppConfig['logLevel'],
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 600, 1),
    maxWebhooksPerTenant: int('MAX_WEBHOOKS_PER_TENANT', 1000, 1, 1_000_000),
    metricsToken: token('METRICS_TOKEN'),
    docsToken: token('DOCS_TOKEN'),
    httpHeadersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', 20_000, 1000, 600_000),
    httpRequestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 120_000, 1000, 3_600_000),
    allowedTargetPorts: ports('ALLOWED_TARGET_PORTS', '80,443,1024-65535'),
    trustProxy: int('TRUST_PROXY', 0, 0, 10),
    maxInFlightPerEndpoint: int('MAX_IN_FLIGHT_PER_ENDPOINT', 10, 1, 10_000),
    retentionDays: int('RETENTION_DAYS', 30, 1, 36_500),
    workerLockMs: int('WORKER_LOCK_MS', 60_000, 1000),
    workerStalledIntervalMs: int('WORKER_STALLED_INTERVAL_MS', 15_000, 500),
    workerShutdownTimeoutMs: int('WORKER_SHUTDOWN_TIMEOUT_MS', 30_000, 1000),
    inspectorPort: int('INSPECTOR_PORT', 8090, 0, 65535),
    inspectorPublicUrl: env.INSPECTOR_PUBLIC_URL ? url('INSPECTOR_PUBLIC_URL', '', ['http:', 'https:']) : null,
    workerMetricsPort: int('WORKER_METRICS_PORT', 9091, 0, 65535),
    recoveryProbeIntervalMs,
    recoveryReplayWindowMs: duration('RECOVERY_REPLAY_WINDOW', '3d'),
  };
  problems.push(...checkOperatorCredentials(production, adminToken, bullBoardPassword));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The database a PostgreSQL URL names, or '' when it names none. */
export function databaseName(databaseUrl: string): string {
  try {
    return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  } catch {
    return '';
  }
}

function decodeKey(raw: string): Buffer | null {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const buf = Buffer.from(text, 'base64');
  return buf.length === 32 ? buf : null;
}

/**
 * Production refuses weak operator credentials at start: Bull Board's development default password (`hookline`) or
 * one under 12 characters, and an ADMIN_TOKEN under 32 characters, of low estimated entropy (length × log2 of the
 * character classes it uses — lower case, upper case, digits, others — under 128 bits, e.g. 32 digits), of fewer than
 * 8 distinct characters, or repeating a shorter string. Unset stays allowed: Bull Board and the admin API stay closed.
 * Development keeps its defaults. The problems found, as lines for ConfigError.
 */
export function checkOperatorCredentials(production: boolean, adminToken: string | null, bullBoardPassword: string | null): string[] {
  if (!production) return [];
  const found: string[] = [];
  const generate = '(generate one: openssl rand -hex 32)';
  if (bullBoardPassword === 'hookline') found.push(`BULL_BOARD_PASSWORD must not be the development default "hookline" in production ${generate}`);
  else if (bullBoardPassword !== null && bullBoardPassword.length < 12) found.push(`BULL_BOARD_PASSWORD must be at least 12 characters in production ${generate}`);
  if (adminToken !== null) {
    const characters = [...adminToken];
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];
    const pool = [26, 26, 10, 33].reduce((size, classSize, index) => (classes[index].test(adminToken) ? size + classSize : size), 0);
    const bits = characters.length * Math.log2(Math.max(pool, 1));
    const distinct = new Set(characters).size;
    const weaknesses = [
      bits < 128 ? `about ${Math.floor(bits)} bits estimated from its length and character classes, under 128` : '',
      distinct < 8 ? `only ${distinct} distinct character${distinct === 1 ? '' : 's'}` : '',
      /^(.+?)\1+$/s.test(adminToken) ? 'a short string repeated' : '',
    ].filter(Boolean);
    if (characters.length < 32) found.push(`ADMIN_TOKEN must be at least 32 characters in production ${generate}`);
    else if (weaknesses.length > 0) found.push(`ADMIN_TOKEN is too easy to guess for production: ${weaknesses.join('; ')} ${generate}`);
  }
  return found;
}
