import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../support/database';
import { deleteQueueKeys } from '../../support/queue-keys';
import { testEnv } from '../../support/test-env';
import { ChildApp } from './child-app';

export const ADMIN_TOKEN = 'faults-admin-token-0123456789';

export interface Database {
  url: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export interface Tenant {
  id: string;
  apiKey: string;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: { message: string; data: T; error: boolean };
}

/**
 * One fault suite's deployment: its own PostgreSQL database, its own queue prefix in the run's Redis database (REDIS_URL,
 * unless the suite runs a Redis of its own), an uploads folder, and the real API and worker processes it starts, kills
 * and restarts.
 */
export class FaultStack {
  readonly apps: ChildApp[] = [];
  env: Record<string, string> = {};
  uploadDir = '';
  db!: Database;

  static async create(options: { redisUrl?: string; database?: Database; env?: Record<string, string> } = {}): Promise<FaultStack> {
    const stack = new FaultStack();
    stack.db = options.database ?? (await createTestDatabase());
    stack.uploadDir = await mkdtemp(join(tmpdir(), 'hookline-faults-'));
    stack.env = {
      NODE_ENV: 'test',
      DATABASE_URL: stack.db.url,
      REDIS_URL: options.redisUrl ?? testEnv().REDIS_URL,
      QUEUE_PREFIX: `faults-${randomBytes(4).toString('hex')}`,
      UPLOAD_DIR: stack.uploadDir,
      ALLOW_PRIVATE_TARGETS: 'true',
      RETRY_SCHEDULE: '500ms,500ms,500ms,500ms,500ms',
      RETRY_JITTER: '0',
      DELIVERY_TIMEOUT_MS: '3000',
      OUTBOX_SWEEP_INTERVAL_MS: '500',
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_SHUTDOWN_TIMEOUT_MS: '15000',
      RATE_LIMIT_PER_MINUTE: '100000',
      // Several workers run at once: none binds the fixed metrics port unless a suite asks for one.
      WORKER_METRICS_PORT: '0',
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    await stack.flushRedis();
    return stack;
  }

  async startApi(name = 'api', env: Record<string, string> = {}): Promise<ChildApp> {
    const app = await ChildApp.api({ ...this.env, ...env }, name);
    this.apps.push(app);
    return app;
  }

  async startWorker(name = 'worker', env: Record<string, string> = {}): Promise<ChildApp> {
    const app = await ChildApp.worker({ ...this.env, ...env }, name);
    this.apps.push(app);
    return app;
  }

  get api(): ChildApp {
    const api = this.apps.find((app) => app.kind === 'api' && app.running);
    if (!api) throw new Error('no API is running');
    return api;
  }

  async request<T = any>(method: string, path: string, options: { token?: string; body?: unknown; form?: FormData; api?: ChildApp } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | FormData | undefined = options.form;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch((options.api ?? this.api).baseUrl + path, { method, headers, body, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    try {
      return { status: response.status, headers: response.headers, body: JSON.parse(text) };
    } catch {
      throw new Error(`${method} ${path} answered ${response.status} with a non-JSON body: ${text.slice(0, 200)}`);
    }
  }

  async createTenant(name: string): Promise<Tenant> {
    const reply = await this.request('POST', '/admin/tenants', { token: ADMIN_TOKEN, body: { name } });
    if (reply.status !== 201) throw new Error(`tenant creation answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return { id: reply.body.data.tenant_id, apiKey: reply.body.data.api_key };
  }

  async registerWebhook(tenant: Tenant, url: string): Promise<string> {
    const types = await this.request<Array<{ id: string; key: string }>>('GET', '/event_type', { token: tenant.apiKey });
    const typeId = types.body.data.find((type) => type.key === 'file.uploaded')!.id;
    const reply = await this.request('POST', '/webhook/register', { token: tenant.apiKey, body: { event_type_id: typeId, user_id: 1, url } });
    if (reply.status !== 201) throw new Error(`registration answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body.data.id;
  }

  async upload(tenant: Tenant, webhookId: string, content: string): Promise<Reply> {
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'text/plain' }), `${content}.txt`);
    return this.request('POST', `/upload_file/webhook_id/${webhookId}`, { token: tenant.apiKey, form });
  }

  /** `count` uploads, `parallel` at a time; every one must be accepted. Returns their delivery ids. */
  async uploadMany(tenant: Tenant, webhookId: string, count: number, parallel = 10): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < count; start += parallel) {
      const replies = await Promise.all(
        Array.from({ length: Math.min(parallel, count - start) }, (_, offset) => this.upload(tenant, webhookId, `file-${start + offset}`)),
      );
      for (const reply of replies) {
        if (reply.status !== 200) throw new Error(`upload answered ${reply.status}: ${JSON.stringify(reply.body)}`);
        ids.push(reply.body.data.delivery_id);
      }
    }
    return ids;
  }

  /** Delivery statuses straight from PostgreSQL. */
  async statuses(): Promise<Map<string, string>> {
    const rows = await this.db.query<{ id: string; status: string }>(`SELECT id, status FROM deliveries`);
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  async succeededIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(`SELECT id FROM deliveries WHERE status = 'succeeded'`);
    return rows.map((row) => row.id);
  }

  /** What a Redis that restarted empty (or FLUSHDB) does to this installation, and to nothing else on the server. */
  flushRedis(): Promise<void> {
    return deleteQueueKeys(this.env.REDIS_URL, this.env.QUEUE_PREFIX);
  }

  /** Failure context for an assertion message. */
  tails(lines = 30): string {
    return this.apps.map((app) => app.tail(lines)).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.apps.map((app) => app.stop()));
    await this.flushRedis().catch(() => undefined);
    await this.db?.drop().catch(() => undefined);
    if (this.uploadDir) await rm(this.uploadDir, { recursive: true, force: true });
  }
}

/** One line per fault in the test output, with its counts, for the session's notes. */
export function report(fault: string, counts: { sent: number; received: number; duplicated: number; [more: string]: number }): void {
  const extra = Object.entries(counts)
    .filter(([key]) => !['sent', 'received', 'duplicated'].includes(key))
    .map(([key, value]) => ` ${key}=${value}`)
    .join('');
  // eslint-disable-next-line no-console
  console.log(`[faults] ${fault}: sent=${counts.sent} received=${counts.received} duplicated=${counts.duplicated}${extra}`);
}
