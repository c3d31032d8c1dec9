import { Platform, Tenant } from './support/platform';

/** API keys: listed without secrets, shown once, revoked keys refused on the very next request, tenants apart. */
describe('API keys (/v1/api-keys)', () => {
  let platform: Platform;
  let acme: Tenant;
  let globex: Tenant;

  beforeAll(async () => {
    platform = await Platform.start({}, { worker: false });
    acme = await platform.createTenant('acme');
    globex = await platform.createTenant('globex');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const list = async (tenant: Tenant | string) => platform.request('GET', '/v1/api-keys?limit=250', { token: typeof tenant === 'string' ? tenant : tenant.apiKey });
  const create = (token: string, body: unknown = {}) => platform.request('POST', '/v1/api-keys', { token, body });
  const revoke = (token: string, id: string) => platform.request('DELETE', `/v1/api-keys/${id}`, { token });

  it('lists the tenant\'s keys without hash or plaintext', async () => {
    const response = await list(acme);
    expect(response.status).toBe(200);
    expect(response.body.data.next_cursor).toBeNull();
    const [{ last_used_at: lastUsed, ...key }] = response.body.data.items;
    expect(response.body.data.items).toHaveLength(1);
    expect(key).toEqual({ id: expect.any(String), name: 'default', prefix: expect.stringMatching(/^[0-9a-f]{12}$/), created_at: expect.any(String), revoked_at: null });
    // It may already show this very request: the guard records the use before the handler runs.
    expect(lastUsed === null || typeof lastUsed === 'string').toBe(true);
    expect(acme.apiKey).toContain(response.body.data.items[0].prefix);
  });

  it('creates a key shown once (201), usable at once, stored only as a hash', async () => {
    const created = await create(acme.apiKey, { name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.any(String),
      name: 'ci',
      prefix: expect.any(String),
      key: expect.stringMatching(/^hk_[0-9a-f]{12}_/),
      created_at: expect.any(String),
      last_used_at: null,
      revoked_at: null,
    });
    const key: string = created.body.data.key;
    expect(key).toContain(created.body.data.prefix);
    const withNewKey = await list(key);
    expect(withNewKey.status).toBe(200);
    const listed = withNewKey.body.data.items.find((item: { id: string }) => item.id === created.body.data.id);
    const { last_used_at: _lastUsed, ...rest } = listed;
    const { key: _key, last_used_at: _created, ...expected } = created.body.data;
    expect(rest).toEqual(expected);
    expect(Object.keys(listed)).not.toContain('key');
    expect(Object.keys(listed)).not.toContain('hash');
    const stored = await platform.db.query(`SELECT * FROM api_keys WHERE id = $1`, [created.body.data.id]);
    expect(JSON.stringify(stored)).not.toContain(key);
  });

  it('records when a key was last used', async () => {
    const created = (await create(acme.apiKey, { name: 'touch' })).body.data;
    await list(created.key);
    const deadline = Date.now() + 5000;
    let lastUsed: string | null = null;
    while (!lastUsed && Date.now() < deadline) {
      lastUsed = (await list(acme)).body.data.items.find((item: { id: string }) => item.id === created.id).last_used_at;
      if (!lastUsed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastUsed).toEqual(expect.any(String));
  });

  it('refuses a name that is not a short string', async () => {
    expect((await create(acme.apiKey, { name: 42 })).status).toBe(422);
    expect((await create(acme.apiKey, { name: 'x'.repeat(101) })).status).toBe(422);
    expect((await create(acme.apiKey, { name: 'ok', extra: 1 })).status).toBe(422);
  });

  it('revokes a key: it answers 401 on the very next request, and stays listed as revoked', async () => {
    const created = (await create(acme.apiKey, { name: 'to-revoke' })).body.data;
    expect((await list(created.key)).status).toBe(200);
    const revoked = await revoke(acme.apiKey, created.id);
    expect(revoked.status).toBe(200);
    expect(revoked.body.data).toMatchObject({ id: created.id, name: 'to-revoke', revoked_at: expect.any(String) });
    expect(revoked.body.data.key).toBeUndefined();
    const refused = await list(created.key);
    expect(refused.status).toBe(401);
    expect(refused.body.data.code).toBe('unauthorized');
    const viaHeader = await platform.request('GET', '/v1/api-keys', { headers: { 'x-api-key': created.key } });
    expect(viaHeader.status).toBe(401);
    const listed = (await list(acme)).body.data.items.find((item: { id: string }) => item.id === created.id);
    expect(listed.revoked_at).toBe(revoked.body.data.revoked_at);
    const again = await revoke(acme.apiKey, created.id);
    expect(again.status).toBe(200);
    expect(again.body.data.revoked_at).toBe(revoked.body.data.revoked_at);
  });

  it('allows revoking the key making the request (rotation), which is refused from then on', async () => {
    const old = (await create(acme.apiKey, { name: 'old' })).body.data;
    const self = await revoke(old.key, old.id);
    expect(self.status).toBe(200);
    expect((await list(old.key)).status).toBe(401);
    expect((await list(acme)).status).toBe(200);
  });

  it('refuses to revoke the tenant\'s last active key (409), so a tenant can never lock itself out', async () => {
    const solo = await platform.createTenant('solo');
    const [only] = (await list(solo)).body.data.items;
    const refused = await revoke(solo.apiKey, only.id);
    expect(refused.status).toBe(409);
    expect(refused.body.data.code).toBe('last_active_key');
    expect((await list(solo)).status).toBe(200);

    const spare = (await create(solo.apiKey, { name: 'spare' })).body.data;
    expect((await revoke(solo.apiKey, only.id)).status).toBe(200);
    expect((await list(solo.apiKey)).status).toBe(401);
    expect((await revoke(spare.key, spare.id)).status).toBe(409);
  });

  it('keeps the last active key even when its last two are revoked at the same time', async () => {
    const pair = await platform.createTenant('pair');
    const second = (await create(pair.apiKey, { name: 'second' })).body.data;
    const [first] = (await list(pair)).body.data.items.filter((item: { name: string }) => item.name === 'default');
    const results = await Promise.all([revoke(second.key, first.id), revoke(second.key, second.id)]);
    // One wins; the other is refused as the last key (409), or finds its credential already revoked (401).
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409 || status === 401)).toHaveLength(1);
    const [{ n }] = await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL`, [pair.id]);
    expect(Number(n)).toBe(1);
  });

  it('keeps tenants apart: foreign keys are never listed and answer 404 on revoke', async () => {
    const acmeItems: Array<{ id: string; revoked_at: string | null }> = (await list(acme)).body.data.items;
    const acmeKeys = acmeItems.map((item) => item.id);
    const active = acmeItems.find((item) => item.revoked_at === null)!;
    const globexKeys = (await list(globex)).body.data.items.map((item: { id: string }) => item.id);
    expect(globexKeys).toHaveLength(1);
    expect(globexKeys.filter((id: string) => acmeKeys.includes(id))).toEqual([]);
    for (const id of [active.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = await revoke(globex.apiKey, id);
      expect(response.status).toBe(404);
      expect(response.body.data.code).toBe('not_found');
    }
    const still = (await list(acme)).body.data.items.find((item: { id: string }) => item.id === active.id);
    expect(still.revoked_at).toBeNull();
  });

  it('pages through keys with a cursor, each once', async () => {
    const paged = await platform.createTenant('paged');
    for (let n = 0; n < 4; n++) await create(paged.apiKey, { name: `k${n}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response: any = await platform.request('GET', `/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: paged.apiKey });
      seen.push(...response.body.data.items.map((item: { name: string }) => item.name));
      cursor = response.body.data.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['k3', 'k2', 'k1', 'k0', 'default']);
  });

  it('requires a valid key on every route', async () => {
    expect((await platform.request('GET', '/v1/api-keys')).status).toBe(401);
    expect((await platform.request('POST', '/v1/api-keys', { body: {} })).status).toBe(401);
    expect((await platform.request('DELETE', '/v1/api-keys/00000000-0000-4000-8000-000000000000', { token: 'hk_nope' })).status).toBe(401);
  });
});
