import { createDataSource, TenantsRepository } from '@hookline/db';
import { generateApiKey } from '@hookline/signing';
import { ADMIN_TOKEN, Platform } from './support/platform';

const BOARD = '/admin/queues';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The operator's side: liveness, readiness, the admin API, Bull Board's basic auth, and tenant creation. */
describe('operations', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start({}, { worker: false });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  describe('health', () => {
    it('answers GET /health without credentials', async () => {
      const response = await platform.request('GET', '/health');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'ok', data: { status: 'ok' }, error: false });
    });

    it('answers GET /ready with PostgreSQL and Redis up', async () => {
      const response = await platform.request('GET', '/ready');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'ok', data: { ready: true, database: 'up', redis: 'up' }, error: false });
    });
  });

  describe('POST /admin/tenants', () => {
    it('answers 401 without or with a wrong admin token', async () => {
      const before = await platform.count('tenants');
      const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: ADMIN_TOKEN }, { authorization: `Basic ${ADMIN_TOKEN}` }, { 'x-api-key': ADMIN_TOKEN }];
      for (const headers of attempts) {
        const response = await platform.request('POST', '/admin/tenants', { headers, body: { name: 'nope' } });
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ message: expect.any(String), data: { code: 'unauthorized', details: [] }, error: true });
      }
      expect(await platform.count('tenants')).toBe(before);
    });

    it('creates a tenant with the right token, and its key (not the admin token) works on tenant routes', async () => {
      const response = await platform.request('POST', '/admin/tenants', { token: ADMIN_TOKEN, body: { name: 'acme' } });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ message: expect.any(String), data: { tenant_id: expect.any(String), api_key: expect.any(String) }, error: false });
      const { tenant_id: tenantId, api_key: apiKey } = response.body.data;

      const types = await platform.request('GET', '/event_type', { token: apiKey });
      expect(types.status).toBe(200);
      expect(types.body.data.map((type: { key: string }) => type.key)).toContain('file.uploaded');

      const [row] = await platform.db.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [tenantId]);
      expect(row.name).toBe('acme');
      // Shown once, stored only as a hash.
      expect(JSON.stringify(await platform.db.query('SELECT * FROM api_keys WHERE tenant_id = $1', [tenantId]))).not.toContain(apiKey);

      expect((await platform.request('GET', '/event_type', { token: ADMIN_TOKEN })).status).toBe(401);
      expect((await platform.request('POST', '/admin/tenants', { token: apiKey, body: { name: 'escalate' } })).status).toBe(401);
    });

    it('answers 422 to a tenant without a name', async () => {
      const before = await platform.count('tenants');
      const response = await platform.request('POST', '/admin/tenants', { token: ADMIN_TOKEN, body: {} });
      expect(response.status).toBe(422);
      expect(response.body.data.details).toEqual([{ field: 'name', message: expect.any(String) }]);
      expect(await platform.count('tenants')).toBe(before);
    });

    it('is closed (401) on a platform started without ADMIN_TOKEN', async () => {
      const closed = await Platform.start({ ADMIN_TOKEN: '' }, { worker: false });
      try {
        for (const token of [undefined, ADMIN_TOKEN, '']) {
          const response = await closed.request('POST', '/admin/tenants', { token, body: { name: 'nope' } });
          expect(response.status).toBe(401);
          expect(response.body.data.code).toBe('unauthorized');
        }
        expect(await closed.count('tenants')).toBe(0);
      } finally {
        await closed.stop();
      }
    });
  });

  describe('tenant creation as `npm run tenant:create` does it', () => {
    it('creates a tenant whose key works on /event_type', async () => {
      // The CLI's own steps (apps/cli/src/tenant-create.main.ts) against this suite's database; the built script is
      // exercised by the scripts suite.
      const dataSource = await createDataSource({ databaseUrl: platform.db.url, poolSize: 1, applicationName: 'hookline-cli' }).initialize();
      let created: { tenant_id: string; api_key: string };
      try {
        const key = generateApiKey();
        const tenant = await new TenantsRepository(dataSource).createWithKey('from-cli', key);
        created = { tenant_id: tenant.id, api_key: key.plaintext };
      } finally {
        await dataSource.destroy();
      }
      expect(created.api_key).toMatch(/^hk_/);
      const types = await platform.request('GET', '/event_type', { token: created.api_key });
      expect(types.status).toBe(200);
      const alsoHeader = await platform.request('GET', '/v1/webhooks', { headers: { 'x-api-key': created.api_key } });
      expect(alsoHeader.body.data).toEqual({ items: [], next_cursor: null });
    });
  });

  describe('Bull Board', () => {
    it('asks for basic auth without credentials', async () => {
      const response = await fetch(platform.baseUrl + BOARD);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(await response.json()).toMatchObject({ error: true, data: { code: 'unauthorized' } });
    });

    it('refuses wrong credentials, on the board and its API', async () => {
      for (const authorization of [basic('ops', 'wrong'), basic('admin', 'board-password'), basic('ops', ''), basic('', ''), 'Basic !!!', `Bearer ${ADMIN_TOKEN}`]) {
        for (const path of [BOARD, `${BOARD}/api/queues`]) {
          const response = await fetch(platform.baseUrl + path, { headers: { authorization } });
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
          await response.arrayBuffer();
        }
      }
    });

    it('serves the board and the delivery queue with the operator credentials', async () => {
      const page = await fetch(platform.baseUrl + BOARD, { headers: { authorization: basic('ops', 'board-password') } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toMatch(/<html/i);

      const queues = await fetch(`${platform.baseUrl}${BOARD}/api/queues`, { headers: { authorization: basic('ops', 'board-password') } });
      expect(queues.status).toBe(200);
      const body = (await queues.json()) as { queues: Array<{ name: string }> };
      expect(body.queues.length).toBe(1);
    });
  });
});
