import { AppConfig, loadConfig } from '@hookline/config';
import { bullQueueOptions, DELIVERY_QUEUE, redisOptionsFromUrl } from '@hookline/queue';
import Queue from 'bull';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { runMigrations } from '@hookline/db';
import { Child, Children } from './children';
import { sleep } from './clock';

/** A job's hash is named by its id, which is a delivery id. */
const JOB_KEY = /:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The settings the bench chooses for the apps (any of them set in the environment wins), shown with the results.
 * The limiter still counts every request but never refuses one, since the bench measures throughput; every bench
 * delivery goes to one receiver origin, so the per-endpoint cap is raised to the raw ceiling's 50 in flight, else
 * the comparison would be 10 in flight against 50.
 */
export function tuning(env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    RATE_LIMIT_PER_MINUTE: env.RATE_LIMIT_PER_MINUTE ?? '1000000000',
    MAX_IN_FLIGHT_PER_ENDPOINT: env.MAX_IN_FLIGHT_PER_ENDPOINT ?? '50',
    WORKER_CONCURRENCY: env.WORKER_CONCURRENCY ?? String(loadConfig({}).workerConcurrency),
    // Warnings and errors only: an info line per request and per attempt is what an install pays by default.
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  };
}

/**
 * One Hookline installation for the bench: its own database (created and migrated here, dropped at the end), its own
 * Redis queue prefix (its keys deleted at the end), its own upload directory, and the real API and worker as child
 * processes started from (a copy of) the build, exactly as `npm run start:api` / `start:worker` would.
 */
export class Stack {
  api: Child | null = null;
  apiUrl = '';
  worker: Child | null = null;

  private constructor(
    readonly label: string,
    private readonly children: Children,
    private readonly build: string,
    readonly config: AppConfig,
    readonly env: NodeJS.ProcessEnv,
    private readonly adminUrl: string,
    readonly databaseName: string,
    readonly uploadDir: string,
    readonly db: Pool,
    readonly queue: Queue.Queue,
    readonly redis: Redis,
  ) {}

  static async create(label: string, children: Children, build: string, base: { databaseUrl: string; redisUrl: string; env: NodeJS.ProcessEnv }): Promise<Stack> {
    const suffix = randomBytes(4).toString('hex');
    const databaseName = `hookline_bench_${suffix}`;
    const databaseUrl = withDatabase(base.databaseUrl, databaseName);
    const uploadDir = await mkdtemp(join(tmpdir(), 'hookline-bench-uploads-'));
    const env: NodeJS.ProcessEnv = {
      ...base.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: base.redisUrl,
      QUEUE_PREFIX: `hookline-bench-${suffix}`,
      UPLOAD_DIR: uploadDir,
      ALLOW_PRIVATE_TARGETS: 'true',
      ADMIN_TOKEN,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      BULL_BOARD_PASSWORD: randomBytes(12).toString('hex'),
      ...tuning(base.env),
    };
    // The same parser as the apps: a bad variable stops the bench here, with its name, before anything starts.
    const config = loadConfig(env);
    const adminUrl = withDatabase(base.databaseUrl, 'postgres');
    let db: Pool | null = null;
    try {
      await runMigrations(databaseUrl);
      db = new Pool({ connectionString: databaseUrl, max: 4, application_name: 'hookline-bench' });
      const queue = new Queue(DELIVERY_QUEUE, bullQueueOptions(config.redisUrl, config.queuePrefix));
      const redis = new Redis({ ...redisOptionsFromUrl(config.redisUrl), lazyConnect: false });
      return new Stack(label, children, build, config, env, adminUrl, databaseName, uploadDir, db, queue, redis);
    } catch (error) {
      await db?.end().catch(() => undefined);
      await dropDatabase(adminUrl, databaseName).catch(() => undefined);
      await rm(uploadDir, { recursive: true, force: true });
      throw error;
    }
  }

  async startApi(): Promise<void> {
    const port = await freePort();
    this.api = this.children.start(`${this.label}-api`, join(this.build, 'apps/api/src/main.js'), [], { ...this.env, PORT: String(port) });
    this.apiUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.api.hasExited()) throw new Error(`the API exited while starting:\n${Children.tail(this.api)}`);
      try {
        const response = await fetch(`${this.apiUrl}/health`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`the API did not answer /health within 30 s:\n${Children.tail(this.api)}`);
  }

  /** Starts the real worker; it begins taking jobs as soon as it has booted. */
  startWorker(): Child {
    if (this.worker && !this.worker.hasExited()) throw new Error('the worker is already running');
    this.worker = this.children.start(`${this.label}-worker`, join(this.build, 'apps/worker/src/main.js'), [], this.env);
    return this.worker;
  }

  async stopWorker(): Promise<void> {
    if (this.worker) await this.children.stop(this.worker, 15_000);
    this.worker = null;
  }

  async redisUsedMemory(): Promise<number> {
    const info = await this.redis.info('memory');
    return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
  }

  /** This stack's Redis keys: job hashes (named by a delivery id) and Bull's own bookkeeping keys. */
  async keys(): Promise<{ jobs: number; other: number; bytes: number }> {
    let jobs = 0;
    let other = 0;
    let bytes = 0;
    const keys = await this.scanKeys();
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const pipeline = this.redis.pipeline();
      for (const key of batch) pipeline.memory('USAGE', key);
      const sizes = (await pipeline.exec()) ?? [];
      batch.forEach((key, index) => {
        if (JOB_KEY.test(key)) jobs += 1;
        else other += 1;
        bytes += Number(sizes[index]?.[1] ?? 0);
      });
    }
    return { jobs, other, bytes };
  }

  /** Deletes every key under this stack's prefix (its whole queue). Only while no worker is running. */
  async clearQueue(): Promise<void> {
    const keys = await this.scanKeys();
    for (let i = 0; i < keys.length; i += 1000) await this.redis.del(...keys.slice(i, i + 1000));
  }

  async destroy(): Promise<void> {
    const steps: Array<() => Promise<unknown>> = [
      () => this.stopWorker(),
      async () => this.api && this.children.stop(this.api),
      () => this.queue.close(),
      () => this.clearQueue(),
      async () => this.redis.disconnect(),
      () => this.db.end(),
      () => dropDatabase(this.adminUrl, this.databaseName),
      () => rm(this.uploadDir, { recursive: true, force: true }),
    ];
    // Every step runs even when one before it failed: a dead Redis must not leave the database behind.
    for (const step of steps) await step().catch(() => undefined);
  }

  private async scanKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${this.config.queuePrefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
