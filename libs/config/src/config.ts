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
