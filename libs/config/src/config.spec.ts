import { ConfigError, loadConfig } from './config';
import { parseDuration, parseSchedule } from './duration';

describe('loadConfig', () => {
  it('serves local development with no variables set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8081);
    expect(config.retrySchedule).toEqual([5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]);
    expect(config.allowPrivateTargets).toBe(false);
    expect(config.encryptionKeys).toHaveLength(1);
    expect(config.secretRotationGraceMs).toBe(86_400_000);
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', RETRY_SCHEDULE: '5s,soon', DATABASE_URL: 'mysql://x', ALLOW_PRIVATE_TARGETS: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('RETRY_SCHEDULE');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('ALLOW_PRIVATE_TARGETS');
  });

  it('bounds load and keeps data for a month by default, and names a bad fault-tolerance setting', () => {
    const config = loadConfig({});
    expect(config.rateLimitPerMinute).toBe(600);
    expect(config.maxInFlightPerEndpoint).toBe(10);
    expect(config.retentionDays).toBe(30);
    expect([config.workerLockMs, config.workerStalledIntervalMs]).toEqual([60_000, 15_000]);
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ MAX_IN_FLIGHT_PER_ENDPOINT: 'ten' })).toThrow(/MAX_IN_FLIGHT_PER_ENDPOINT/);
    expect(() => loadConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
  });

  it('serves worker metrics on 9091 and probes disabled endpoints hourly, replaying 3 days, by default', () => {
    const config = loadConfig({});
    expect([config.workerMetricsPort, config.recoveryProbeIntervalMs, config.recoveryReplayWindowMs]).toEqual([9091, 3_600_000, 259_200_000]);
    expect(loadConfig({ WORKER_METRICS_PORT: '0', RECOVERY_PROBE_INTERVAL: '1s', RECOVERY_REPLAY_WINDOW: '12h' })).toMatchObject({
      workerMetricsPort: 0,
      recoveryProbeIntervalMs: 1000,
      recoveryReplayWindowMs: 43_200_000,
    });
    expect(() => loadConfig({ WORKER_METRICS_PORT: '70000' })).toThrow(/WORKER_METRICS_PORT/);
    expect(() => loadConfig({ RECOVERY_PROBE_INTERVAL: '10ms' })).toThrow(/RECOVERY_PROBE_INTERVAL must be at least 1s/);
    expect(() => loadConfig({ RECOVERY_REPLAY_WINDOW: 'soon' })).toThrow(/RECOVERY_REPLAY_WINDOW/);
  });

  it('stores uploads locally by default; s3 needs a bucket, takes credentials in pairs or from the SDK chain', () => {
    expect(loadConfig({})).toMatchObject({ storageDriver: 'local', s3: null });
    expect(loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b' }).s3).toEqual({ bucket: 'b', region: 'us-east-1', forcePathStyle: false });
    expect(
      loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_REGION: 'eu-west-1', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_FORCE_PATH_STYLE: 'true', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' }).s3,
    ).toEqual({ bucket: 'b', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } });
    expect(() => loadConfig({ STORAGE_DRIVER: 's3' })).toThrow(/S3_BUCKET is required when STORAGE_DRIVER=s3/);
    expect(() => loadConfig({ STORAGE_DRIVER: 'gcs' })).toThrow(/STORAGE_DRIVER must be local or s3/);
    expect(() => loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'ftp://x' })).toThrow(/S3_ENDPOINT/);
    expect(() => loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' })).toThrow(/must be set together/);
  });

  it('requires a real encryption key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY is required/);
    expect(() => loadConfig({ ENCRYPTION_KEY: 'short' })).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
    const key = Buffer.alloc(32, 7).toString('hex');
    expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: key }).encryptionKeys[0].key).toEqual(Buffer.alloc(32, 7));
  });
});

describe('loadConfig: where it listens and what it connects to', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => loadConfig({ HOST: 'not a host!' })).toThrow(/HOST must be/);
  });

  it('refuses a DATABASE_URL without a database name', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432' })).toThrow(/DATABASE_URL must name its database/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/' })).toThrow(/DATABASE_URL must name its database/);
  });

  it('never shows the password of a URL it refuses, and says to percent-encode', () => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'postgres://hookline:Zx9#Qw7@db:5432/hookline', REDIS_URL: 'redis://:Mn3@Bv5#@cache:6379/0' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('percent-encode');
    for (const secret of ['Zx9', 'Qw7', 'Mn3', 'Bv5', 'hookline:']) expect(message).not.toContain(secret);
  });
});

describe('durations', () => {
  it('parses units and rejects nonsense', () => {
    expect(parseDuration('1s')).toBe(1000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('soon')).toBeNull();
    expect(parseSchedule('1s,1s')).toEqual([1000, 1000]);
    expect(parseSchedule('1s,,2s')).toBeNull();
  });
});

describe('loadConfig: operator credentials in production', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const STRONG_TOKEN = 'q7Rk2VxN9pLw4TzH8mYc3BfJ6sDg5AeU'; // 32 characters, all four classes: ~209 bits estimated
  const production = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, ...env });
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      production(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems ?? [String(error)];
    }
  };

  it('accepts strong credentials, and unset ones (Bull Board and the admin API stay closed)', () => {
    const config = production({ ADMIN_TOKEN: STRONG_TOKEN, BULL_BOARD_PASSWORD: 'correct-horse-battery' });
    expect(config.adminToken).toBe(STRONG_TOKEN);
    expect(config.bullBoardPassword).toBe('correct-horse-battery');
    const closed = production({});
    expect(closed.adminToken).toBeNull();
    expect(closed.bullBoardPassword).toBeNull();
    // What `openssl rand -hex 16` and `-base64 32` print pass.
    expect(problemsOf({ ADMIN_TOKEN: '3f9c1a7e5b2d4c6f8a0e1b3d5c7f9a2e' })).toEqual([]);
    expect(problemsOf({ ADMIN_TOKEN: 'mJ0h5n2Yy3f0E8k1Vq9Q4bT7cW6xR2sZ1uN8pL5dK3g=' })).toEqual([]);
  });

  it("refuses the development Bull Board password and short ones, without showing them", () => {
    const dev = problemsOf({ BULL_BOARD_PASSWORD: 'hookline' });
    expect(dev).toEqual([expect.stringMatching(/BULL_BOARD_PASSWORD must not be the development default/)]);
    const short = problemsOf({ BULL_BOARD_PASSWORD: 'elevenchars' });
    expect(short).toEqual([expect.stringMatching(/BULL_BOARD_PASSWORD must be at least 12 characters/)]);
    expect(short.join('\n')).not.toContain('elevenchars');
    expect(problemsOf({ BULL_BOARD_PASSWORD: 'twelve-chars' })).toEqual([]);
  });

  it('refuses a short or low-entropy ADMIN_TOKEN, without showing it', () => {
    const short = problemsOf({ ADMIN_TOKEN: 'test-admin-token-0123456789' });
    expect(short).toEqual([expect.stringMatching(/ADMIN_TOKEN must be at least 32 characters/)]);
    expect(short.join('\n')).not.toContain('test-admin-token');
    for (const weak of ['0'.repeat(40), '1234567890'.repeat(3) + '12', 'ab'.repeat(20), 'abcdefgh'.repeat(4), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab']) {
      const problems = problemsOf({ ADMIN_TOKEN: weak });
      expect({ weak, problems }).toEqual({ weak, problems: [expect.stringMatching(/ADMIN_TOKEN is too easy to guess/)] });
      expect(problems.join('\n')).not.toContain(weak);
    }
    // 32 digits: 32 × log2(10) ≈ 106 bits.
    expect(problemsOf({ ADMIN_TOKEN: '73915046288207153946071852369401' })[0]).toMatch(/about 106 bits/);
    // Below 16 the rule for every environment speaks as well.
    expect(problemsOf({ ADMIN_TOKEN: 'short' })).toEqual([expect.stringMatching(/at least 16/), expect.stringMatching(/at least 32 characters in production/)]);
  });

  it('reports every weak credential at once, with the other problems', () => {
    const problems = problemsOf({ ADMIN_TOKEN: 'x'.repeat(40), BULL_BOARD_PASSWORD: 'hookline', PORT: 'nope' });
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PORT/), expect.stringMatching(/^BULL_BOARD_PASSWORD/), expect.stringMatching(/^ADMIN_TOKEN is too easy/)]),
    );
    expect(problems).toHaveLength(3);
  });

  it('keeps development as it is: the dev default password and short tokens still start', () => {
    expect(loadConfig({}).bullBoardPassword).toBe('hookline');
    expect(loadConfig({ BULL_BOARD_PASSWORD: 'hookline', ADMIN_TOKEN: 'test-admin-token-0123456789' }).adminToken).toBe('test-admin-token-0123456789');
    expect(loadConfig({ NODE_ENV: 'test', BULL_BOARD_PASSWORD: 'short', ADMIN_TOKEN: '0'.repeat(20) }).bullBoardPassword).toBe('short');
  });
});
