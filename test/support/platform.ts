import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { AppConfig, loadConfig } from '@hookline/config';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { startWorker } from '../../apps/worker/src/bootstrap';
import { createTestDatabase, TestDatabase } from './database';
import { deleteQueueKeys } from './queue-keys';
import { testEnv } from './test-env';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: { message: string; data: T; error: boolean };
}

export interface Tenant {
  id: string;
  apiKey: string;
}

/**
 * The real platform for one suite: its own database (real migrations), its own Redis queue prefix, the API listening
 * on a free port and the worker, both started through the same bootstrap functions as production.
 */
export class Platform {
  api!: INestApplication;
  worker: INestApplicationContext | null = null;
  baseUrl = '';
  config!: AppConfig;
  db!: TestDatabase;
  uploadDir = '';

  static async start(env: Record<string, string> = {}, options: { worker?: boolean } = {}): Promise<Platform> {
    const platform = new Platform();
    platform.db = await createTestDatabase();
    platform.uploadDir = await mkdtemp(join(tmpdir(), 'hookline-uploads-'));
    platform.config = loadConfig({
      DATABASE_URL: platform.db.url,
      REDIS_URL: testEnv().REDIS_URL,
      QUEUE_PREFIX: `hookline-test-${randomBytes(4).toString('hex')}`,
      UPLOAD_DIR: platform.uploadDir,
      ALLOW_PRIVATE_TARGETS: 'true',
      RETRY_SCHEDULE: '200ms,200ms',
      RETRY_JITTER: '0',
      DELIVERY_TIMEOUT_MS: '3000',
      OUTBOX_SWEEP_INTERVAL_MS: '500',
      // Functional suites make hundreds of requests per tenant; the limit itself is tested in test/faults.
      RATE_LIMIT_PER_MINUTE: '100000',
      // Suites run side by side: none binds the worker's fixed metrics port unless it asks for one.
      WORKER_METRICS_PORT: '0',
      ADMIN_TOKEN,
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'board-password',
      LOG_LEVEL: 'silent',
      PORT: '0',
      ...env,
    });
    platform.api = await createApiApp(platform.config);
    await platform.api.listen(0, '127.0.0.1');
    platform.baseUrl = `http://127.0.0.1:${(platform.api.getHttpServer().address() as AddressInfo).port}`;
    if (options.worker !== false) await platform.startWorker();
    return platform;
  }

  async startWorker(): Promise<void> {
    this.worker = await startWorker(this.config);
  }

  async stopWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = null;
  }

  async createTenant(name = 'tenant'): Promise<Tenant> {
    const response = await this.request<{ tenant_id: string; api_key: string }>('POST', '/admin/tenants', { body: { name }, token: ADMIN_TOKEN });
    if (response.status !== 201) throw new Error(`tenant creation answered ${response.status}`);
    return { id: response.body.data.tenant_id, apiKey: response.body.data.api_key };
  }

  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string | FormData; token?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | FormData | undefined = options.rawBody;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    } else if (typeof body === 'string' && !headers['content-type']) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: ApiResponse<T>['body'];
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path} answered ${response.status} with a non-JSON body: ${text.slice(0, 200)}`);
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async systemEventTypeId(tenant: Tenant): Promise<string> {
    const response = await this.request<Array<{ id: string; key: string }>>('GET', '/event_type', { token: tenant.apiKey });
    return response.body.data.find((type) => type.key === 'file.uploaded')!.id;
  }

  async registerWebhook(tenant: Tenant, fields: Record<string, unknown>): Promise<{ id: string; secret: string; [key: string]: unknown }> {
    const response = await this.request('POST', '/webhook/register', {
      token: tenant.apiKey,
      body: { event_type_id: await this.systemEventTypeId(tenant), user_id: 1, ...fields },
    });
    if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.data;
  }

  async upload(tenant: Tenant, webhookId: string, content: string | Buffer = 'hello', filename = 'hello.txt'): Promise<ApiResponse> {
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'text/plain' }), filename);
    return this.request('POST', `/upload_file/webhook_id/${webhookId}`, { token: tenant.apiKey, rawBody: form });
  }

  /** Polls, bounded, until the delivery reaches `status`. */
  async waitForDelivery(tenant: Tenant, deliveryId: string, status: string, timeoutMs = 20000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await this.request('GET', `/v1/deliveries/${deliveryId}`, { token: tenant.apiKey })).body.data;
      if (last?.status === status) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`delivery ${deliveryId} did not become ${status} within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
  }

  async count(table: string): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(row.n);
  }

  async stop(): Promise<void> {
    await this.stopWorker().catch(() => undefined);
    await this.api?.close().catch(() => undefined);
    await deleteQueueKeys(this.config.redisUrl, this.config.queuePrefix);
    await this.db?.drop().catch(() => undefined);
    await rm(this.uploadDir, { recursive: true, force: true });
  }
}
