import { Platform } from './support/platform';

type Schema = { $ref?: string; type?: string; format?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[] };
type Operation = {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  tags?: string[];
};
type Document = { tags: Array<{ name: string }>; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Record<string, string>> } };

/** Every route of the API as the controllers declare it; the router walk below catches any route missing here. */
const ROUTES = [
  'GET /event_type',
  'POST /webhook/register',
  'POST /upload_file/webhook_id/{webhook_id}',
  'GET /v1/uploads/{id}',
  'GET /v1/event-types',
  'POST /v1/event-types',
  'GET /v1/event-types/{id}',
  'PATCH /v1/event-types/{id}',
  'POST /v1/events',
  'GET /v1/webhooks',
  'GET /v1/webhooks/{id}',
  'PATCH /v1/webhooks/{id}',
  'DELETE /v1/webhooks/{id}',
  'GET /v1/webhooks/{id}/secret',
  'POST /v1/webhooks/{id}/rotate-secret',
  'POST /v1/webhooks/{id}/enable',
  'POST /v1/webhooks/{id}/disable',
  'POST /v1/webhooks/{id}/recover',
  'GET /v1/deliveries',
  'GET /v1/deliveries/{id}',
  'POST /v1/deliveries/{id}/retry',
  'GET /v1/error-logs',
  'GET /v1/api-keys',
  'POST /v1/api-keys',
  'DELETE /v1/api-keys/{id}',
  'POST /admin/tenants',
  'GET /health',
  'GET /ready',
  'GET /metrics',
];
const PUBLIC = new Set(['GET /health', 'GET /ready', 'GET /metrics']);

/**
 * `METHOD /path/{param}` for every route Express holds, the docs' own routes aside. Wildcard routes (`/{*path}`, every
 * method) are middleware Nest mounts as routes (nestjs-pino's forRoutes('*')), not endpoints.
 */
function registeredRoutes(platform: Platform): string[] {
  const stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> = platform.api.getHttpAdapter().getInstance().router.stack;
  return stack
    .filter((layer) => layer.route && !layer.route.path.startsWith('/docs') && !layer.route.path.includes('{*'))
    .flatMap((layer) => Object.keys(layer.route!.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`));
}

function operation(document: Document, route: string): Operation {
  const [method, path] = route.split(' ');
  return document.paths[path]?.[method.toLowerCase()];
}

function resolve(document: Document, schema: Schema): Schema {
  return schema.$ref ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
}

describe('OpenAPI document at /docs-json and Swagger UI at /docs', () => {
  let platform: Platform;
  let document: Document;

  beforeAll(async () => {
    platform = await Platform.start({}, { worker: false });
    const response = await fetch(`${platform.baseUrl}/docs-json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    document = (await response.json()) as Document;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('documents every route the app registers, with its method, and no other', () => {
    const registered = registeredRoutes(platform);
    expect(registered).toEqual(expect.arrayContaining(ROUTES));
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
  });

  it('gives every route a 2xx answer with a schema, wrapped in the envelope when it is JSON', () => {
    for (const route of registeredRoutes(platform)) {
      const successes = Object.entries(operation(document, route).responses).filter(([status]) => /^2\d\d$/.test(status));
      expect({ route, successes: successes.length > 0 }).toEqual({ route, successes: true });
      for (const [, response] of successes) {
        const [mediaType, content] = Object.entries(response.content ?? {})[0] ?? [];
        expect({ route, schema: Boolean(content?.schema) }).toEqual({ route, schema: true });
        if (mediaType !== 'application/json') continue;
        const envelope = content!.schema!;
        expect({ route, keys: Object.keys(envelope.properties ?? {}) }).toEqual({ route, keys: ['message', 'data', 'error'] });
        expect(envelope.properties!.error.enum).toEqual([false]);
      }
    }
    expect(Object.keys(operation(document, 'GET /metrics').responses['200'].content!)).toEqual(['text/plain']);
  });

  it('files every route under one of the declared tags', () => {
    const tags = document.tags.map((tag) => tag.name);
    for (const route of registeredRoutes(platform)) {
      const own = operation(document, route).tags ?? [];
      expect({ route, tagged: own.length === 1 && tags.includes(own[0]) }).toEqual({ route, tagged: true });
    }
  });

  it('documents error answers as the error envelope, with the statuses each route can return', () => {
    const errorEnvelope = document.components.schemas.ErrorEnvelope;
    expect(errorEnvelope.properties!.error.enum).toEqual([true]);
    expect(resolve(document, errorEnvelope.properties!.data).required).toEqual(['code', 'details']);
    for (const route of ROUTES.filter((name) => !PUBLIC.has(name))) {
      const responses = operation(document, route).responses;
      expect({ route, statuses: Object.keys(responses) }).toEqual({ route, statuses: expect.arrayContaining(['401', '503']) });
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) expect(response.content!['application/json'].schema!.$ref).toBe('#/components/schemas/ErrorEnvelope');
      }
    }
    const statuses = (route: string) => Object.keys(operation(document, route).responses);
    expect(statuses('POST /upload_file/webhook_id/{webhook_id}')).toEqual(expect.arrayContaining(['200', '400', '404', '409', '413', '429']));
    expect(statuses('POST /webhook/register')).toEqual(expect.arrayContaining(['201', '400', '413', '422', '429']));
    expect(statuses('POST /v1/events')).toEqual(expect.arrayContaining(['200', '202', '413', '422']));
    expect(statuses('GET /v1/webhooks/{id}')).toEqual(expect.arrayContaining(['200', '404']));
    expect(statuses('GET /ready')).toEqual(expect.arrayContaining(['200', '503']));
  });

  it('lists the registration body fields with their types and required ones', () => {
    const body = resolve(document, operation(document, 'POST /webhook/register').requestBody!.content['application/json'].schema);
    expect(Object.keys(body.properties!)).toEqual(expect.arrayContaining(['event_type_id', 'user_id', 'url', 'custom_headers', 'custom_payload']));
    expect(body.required!.sort()).toEqual(['event_type_id', 'url', 'user_id']);
    expect(body.properties!.event_type_id).toMatchObject({ type: 'string', format: 'uuid' });
    expect(body.properties!.user_id).toMatchObject({ type: 'integer', minimum: 1 });
    expect(body.properties!.custom_headers).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
    const created = resolve(document, operation(document, 'POST /webhook/register').responses['201'].content!['application/json'].schema!.properties!.data);
    expect(Object.keys(created.properties!)).toEqual(expect.arrayContaining(['id', 'secret', 'custom_headers', 'status', 'created_at']));
  });

  it('documents the upload as multipart with a binary file, and lists as cursor pages', () => {
    const upload = operation(document, 'POST /upload_file/webhook_id/{webhook_id}');
    const form = resolve(document, upload.requestBody!.content['multipart/form-data'].schema);
    expect(form.properties!.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(upload.parameters).toEqual([expect.objectContaining({ name: 'webhook_id', in: 'path', schema: { type: 'string', format: 'uuid' } })]);
    const page = operation(document, 'GET /v1/deliveries').responses['200'].content!['application/json'].schema!.properties!.data;
    expect(Object.keys(page.properties!)).toEqual(['items', 'next_cursor']);
    const query = operation(document, 'GET /v1/deliveries').parameters!.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
    expect(query.sort()).toEqual(['cursor', 'event_id', 'limit', 'status', 'webhook_id']);
  });

  it('declares the security schemes and applies them', () => {
    const schemes = document.components.securitySchemes;
    expect(schemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes['x-api-key']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(schemes['admin-token']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes['bull-board']).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(operation(document, 'GET /v1/webhooks').security).toEqual(expect.arrayContaining([{ 'api-key': [] }, { 'x-api-key': [] }]));
    expect(operation(document, 'POST /admin/tenants').security).toEqual([{ 'admin-token': [] }]);
    expect(operation(document, 'GET /health').security).toBeUndefined();
  });

  it('serves Swagger UI as HTML with its assets from this server', async () => {
    const page = await fetch(`${platform.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const sources = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((match) => match[1]);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((source) => /^(https?:)?\/\//.test(source))).toEqual([]);
    const bundle = await fetch(`${platform.baseUrl}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(1000);
  });
});
