import { Platform, Tenant } from './support/platform';
import { SYSTEM_EVENT_TYPE_KEYS, systemEventTypeEntries } from './support/system-event-types';

const ORDER_SCHEMA = {
  type: 'object',
  required: ['order_id', 'amount'],
  properties: { order_id: { type: 'string' }, amount: { type: 'integer', minimum: 1 } },
};

/** Tenant event types: key rules, JSON Schemas validated on save, archive instead of delete, tenant isolation. */
describe('event types (/v1/event-types)', () => {
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

  const create = (tenant: Tenant, body: Record<string, unknown>) => platform.request('POST', '/v1/event-types', { token: tenant.apiKey, body });

  it('creates a type with a schema and shows it in full', async () => {
    const response = await create(acme, { key: 'order.created', name: 'Order created', description: 'A customer placed an order', schema: ORDER_SCHEMA });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      message: 'Event type created',
      error: false,
      data: {
        id: expect.any(String),
        key: 'order.created',
        name: 'Order created',
        description: 'A customer placed an order',
        schema: ORDER_SCHEMA,
        archived: false,
        system: false,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    });
    const fetched = await platform.request('GET', `/v1/event-types/${response.body.data.id}`, { token: acme.apiKey });
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual(response.body.data);
  });

  it('defaults the name to the key, the description to empty and the schema to none', async () => {
    const response = await create(acme, { key: 'invoice.paid' });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({ key: 'invoice.paid', name: 'invoice.paid', description: '', schema: null });
  });

  it('refuses an invalid JSON Schema on create with the Ajv errors, and stores nothing', async () => {
    const before = await platform.count('event_types');
    const wrongType = await create(acme, { key: 'order.bad_schema', schema: { type: 'objekt' } });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.data.code).toBe('invalid_schema');
    expect(wrongType.body.data.details).toEqual(expect.arrayContaining([{ field: 'schema.type', message: expect.any(String) }]));

    const typo = await create(acme, { key: 'order.bad_schema', schema: { type: 'object', properites: {} } });
    expect(typo.status).toBe(422);
    expect(typo.body.data.details).toEqual([{ field: 'schema', message: expect.stringContaining('properites') }]);

    const notObject = await create(acme, { key: 'order.bad_schema', schema: 'object' });
    expect(notObject.status).toBe(422);
    expect(notObject.body.data.details).toEqual([{ field: 'schema', message: expect.any(String) }]);

    const tooBig = await create(acme, { key: 'order.bad_schema', schema: { type: 'object', description: 'x'.repeat(64 * 1024) } });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.data.details).toEqual([{ field: 'schema', message: expect.stringContaining('at most 65536 bytes') }]);
    expect(await platform.count('event_types')).toBe(before);
  });

  it.each([
    ['no dot', 'order'],
    ['upper case', 'Order.Created'],
    ['hyphen', 'order.was-created'],
    ['leading digit', '9order.created'],
    ['over 128 characters', `a.${'b'.repeat(127)}`],
    ['a reserved prefix', 'webhook.created'],
    ['another reserved prefix', 'delivery.failed'],
  ])('refuses a key with %s (422 on key)', async (_case, key) => {
    const response = await create(acme, { key });
    expect(response.status).toBe(422);
    expect(response.body.data.code).toBe('validation_failed');
    expect(response.body.data.details).toEqual([{ field: 'key', message: expect.any(String) }]);
  });

  it('refuses a duplicate key (409) but lets another tenant use it', async () => {
    expect((await create(acme, { key: 'customer.updated' })).status).toBe(201);
    const duplicate = await create(acme, { key: 'customer.updated', name: 'again' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.data.code).toBe('event_type_exists');
    expect((await create(globex, { key: 'customer.updated' })).status).toBe(201);
  });

  it('refuses to shadow a system type (409 event_type_exists)', async () => {
    const response = await create(acme, { key: 'file.uploaded' });
    expect(response.status).toBe(409);
    expect(response.body.data.code).toBe('event_type_exists');
    expect(response.body.message).toContain('system event type');
  });

  it('pages through the visible types: own and system, never another tenant\'s', async () => {
    const own = await platform.request('GET', '/v1/event-types?limit=250', { token: acme.apiKey });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const response: any = await platform.request('GET', `/v1/event-types?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: acme.apiKey });
      expect(response.status).toBe(200);
      expect(response.body.data.items.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.data.items.map((item: { key: string }) => item.key));
      cursor = response.body.data.next_cursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual(own.body.data.items.map((item: { key: string }) => item.key));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['order.created', 'invoice.paid', 'customer.updated', 'file.uploaded']));
    const system = own.body.data.items.find((item: { key: string }) => item.key === 'file.uploaded');
    expect(system).toMatchObject({ system: true, archived: false, schema: null });

    const foreign = await platform.request('GET', '/v1/event-types?limit=250', { token: globex.apiKey });
    expect(foreign.body.data.items.map((item: { key: string }) => item.key).sort()).toEqual(['customer.updated', ...SYSTEM_EVENT_TYPE_KEYS].sort());
  });

  it('updates name, description and schema; schema null removes it; updated_at moves on', async () => {
    const created = (await create(acme, { key: 'shipment.sent', schema: ORDER_SCHEMA })).body.data;
    const patched = await platform.request('PATCH', `/v1/event-types/${created.id}`, {
      token: acme.apiKey,
      body: { name: 'Shipment sent', description: 'Left the warehouse', schema: { type: 'object', required: ['tracking'] } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ key: 'shipment.sent', name: 'Shipment sent', description: 'Left the warehouse', schema: { type: 'object', required: ['tracking'] } });
    expect(new Date(patched.body.data.updated_at).getTime()).toBeGreaterThan(new Date(created.updated_at).getTime());

    const cleared = await platform.request('PATCH', `/v1/event-types/${created.id}`, { token: acme.apiKey, body: { schema: null } });
    expect(cleared.body.data).toMatchObject({ schema: null, name: 'Shipment sent' });

    const invalid = await platform.request('PATCH', `/v1/event-types/${created.id}`, { token: acme.apiKey, body: { schema: { minimum: 'one' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.data.code).toBe('invalid_schema');

    const rekey = await platform.request('PATCH', `/v1/event-types/${created.id}`, { token: acme.apiKey, body: { key: 'shipment.moved' } });
    expect(rekey.status).toBe(422);
    expect(rekey.body.data.details).toEqual([{ field: 'key', message: expect.any(String) }]);
  });

  it('archives and unarchives instead of deleting; archived types are listed only on request and keep their key', async () => {
    const created = (await create(acme, { key: 'cart.abandoned' })).body.data;
    const archived = await platform.request('PATCH', `/v1/event-types/${created.id}`, { token: acme.apiKey, body: { archived: true } });
    expect(archived.status).toBe(200);
    expect(archived.body.data.archived).toBe(true);

    const keys = async (query: string) =>
      (await platform.request('GET', `/v1/event-types?limit=250${query}`, { token: acme.apiKey })).body.data.items.map((item: { key: string }) => item.key);
    expect(await keys('')).not.toContain('cart.abandoned');
    expect(await keys('&include_archived=true')).toContain('cart.abandoned');
    const reference = await platform.request('GET', '/event_type', { token: acme.apiKey });
    expect(reference.body.data.map((item: { key: string }) => item.key)).not.toContain('cart.abandoned');
    expect((await create(acme, { key: 'cart.abandoned' })).status).toBe(409);

    const restored = await platform.request('PATCH', `/v1/event-types/${created.id}`, { token: acme.apiKey, body: { archived: false } });
    expect(restored.body.data.archived).toBe(false);
    expect(await keys('')).toContain('cart.abandoned');
  });

  it('lists system types read-only: PATCH answers 403', async () => {
    const systemId = await platform.systemEventTypeId(acme);
    const fetched = await platform.request('GET', `/v1/event-types/${systemId}`, { token: acme.apiKey });
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toMatchObject({ key: 'file.uploaded', system: true });
    const patched = await platform.request('PATCH', `/v1/event-types/${systemId}`, { token: acme.apiKey, body: { name: 'mine now' } });
    expect(patched.status).toBe(403);
    expect(patched.body.data.code).toBe('event_type_read_only');
    const archived = await platform.request('PATCH', `/v1/event-types/${systemId}`, { token: acme.apiKey, body: { archived: true } });
    expect(archived.status).toBe(403);
  });

  it('answers 404 for foreign, unknown and malformed ids on GET and PATCH, and changes nothing', async () => {
    const acmeType = (await create(acme, { key: 'secret.plan' })).body.data;
    for (const id of [acmeType.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const got = await platform.request('GET', `/v1/event-types/${id}`, { token: globex.apiKey });
      expect(got.status).toBe(404);
      expect(got.body.data.code).toBe('not_found');
      const patched = await platform.request('PATCH', `/v1/event-types/${id}`, { token: globex.apiKey, body: { archived: true, name: 'pwned' } });
      expect(patched.status).toBe(404);
    }
    const after = await platform.request('GET', `/v1/event-types/${acmeType.id}`, { token: acme.apiKey });
    expect(after.body.data).toMatchObject({ name: 'secret.plan', archived: false });
  });

  it('keeps GET /event_type in the reference shape, with the tenant\'s own active types', async () => {
    const response = await platform.request('GET', '/event_type', { token: globex.apiKey });
    expect(response.status).toBe(200);
    expect(response.body.message).toBe('Successfully !');
    expect(response.body.data).toEqual([
      ...systemEventTypeEntries(),
      { id: expect.any(String), key: 'customer.updated', name: 'customer.updated', description: '' },
    ]);
  });

  it('lets a webhook subscribe to a tenant type, but not to another tenant\'s', async () => {
    const type = (await create(acme, { key: 'subscription.renewed' })).body.data;
    const own = await platform.request('POST', '/webhook/register', {
      token: acme.apiKey,
      body: { event_type_id: type.id, user_id: 1, url: 'http://127.0.0.1:9/hook' },
    });
    expect(own.status).toBe(201);
    const foreign = await platform.request('POST', '/webhook/register', {
      token: globex.apiKey,
      body: { event_type_id: type.id, user_id: 1, url: 'http://127.0.0.1:9/hook' },
    });
    expect(foreign.status).toBe(422);
  });

  it('requires an API key on every route', async () => {
    expect((await platform.request('GET', '/v1/event-types')).status).toBe(401);
    expect((await platform.request('POST', '/v1/event-types', { body: { key: 'a.b' } })).status).toBe(401);
    expect((await platform.request('PATCH', '/v1/event-types/00000000-0000-4000-8000-000000000000', { body: {} })).status).toBe(401);
  });
});
