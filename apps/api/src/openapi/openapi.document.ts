import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { APP_VERSION } from '@hookline/config';
import { BULL_BOARD_PATH } from '../bull-board';
import { ADMIN_BEARER, API_KEY_BEARER, API_KEY_HEADER, BULL_BOARD_BASIC } from './api-auth.decorator';
import { ENVELOPE_COMPONENTS } from './envelope.schemas';

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

const DESCRIPTION = `
Multi-tenant webhook registration and outbound delivery (Standard Webhooks signatures).

**Envelope.** Every JSON answer is \`{ "message": string, "data": ..., "error": boolean }\`. Errors carry
\`data: { "code": string, "details": [{ "field", "message" }] }\`: 400 malformed JSON, 401 credentials, 404 unknown or
another tenant's id (both answer the same), 409 state conflict, 413 too large, 422 validation (one detail per field),
429 rate limited, 503 database or queue unavailable. Bad input never answers 5xx.

**Authentication.** Tenant routes take the tenant's API key as \`Authorization: Bearer <api_key>\` or
\`X-API-Key: <api_key>\`. \`/admin/tenants\` takes \`Authorization: Bearer $ADMIN_TOKEN\`.

**Lists** are cursor-paginated: \`?limit=1..250&cursor=\` → \`data: { items, next_cursor }\`; pass \`next_cursor\`
back until it is null.

**Bull Board** (the delivery queue's dashboard, HTML) is at \`${BULL_BOARD_PATH}\`, behind HTTP basic auth
(\`BULL_BOARD_USER\` / \`BULL_BOARD_PASSWORD\`; closed with 401 when no password is set). It is not part of this API.
`.trim();

const TAGS: Array<[string, string]> = [
  ['reference', "The reference design's endpoints, kept path for path"],
  ['uploads', 'File uploads: each one is a file.uploaded event delivered to one webhook'],
  ['webhooks', 'Registrations: URL, custom headers and payload, signing secret, lifecycle, recovery'],
  ['event-types', 'Tenant event types, with an optional JSON Schema for their data'],
  ['events', 'Publishing: fan-out to every subscribed webhook'],
  ['deliveries', 'Delivery status, attempts and manual retry'],
  ['error-logs', 'Deliveries that failed for good and endpoints that were disabled'],
  ['api-keys', "The tenant's API keys"],
  ['admin', 'Operator routes (ADMIN_TOKEN)'],
  ['operations', 'Liveness, readiness and metrics; no credentials'],
];

/** The OpenAPI document of every controller route, with the envelope's components and the security schemes. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hookline API')
    .setVersion(APP_VERSION)
    .setDescription(DESCRIPTION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The tenant API key: `Authorization: Bearer <api_key>`' }, API_KEY_BEARER)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The tenant API key, as an alternative to the bearer header' }, API_KEY_HEADER)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The operator token: `Authorization: Bearer $ADMIN_TOKEN`' }, ADMIN_BEARER)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: `Bull Board at ${BULL_BOARD_PATH} (HTML, outside this API)` }, BULL_BOARD_BASIC);
  for (const [name, description] of TAGS) config.addTag(name, description);
  const document = SwaggerModule.createDocument(app, config.build());
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...ENVELOPE_COMPONENTS } };
  describePathIds(document);
  return document;
}

/** Every path parameter of this API is a resource id; a malformed one answers 404 like a missing one. */
function describePathIds(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post, item.put, item.patch, item.delete]) {
      for (const parameter of operation?.parameters ?? []) {
        if ('in' in parameter && parameter.in === 'path') {
          parameter.schema = { type: 'string', format: 'uuid' };
          parameter.description ??= 'A UUID';
        }
      }
    }
  }
}

/**
 * Swagger UI at /docs and the JSON at /docs-json. The UI's assets come from the installed swagger-ui-dist package; the
 * document is built on the first request. Call before the app initialises, so these routes precede Nest's 404.
 */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Hookline API',
    // No badge from the public validator.swagger.io: the docs page makes no request outside this server.
    swaggerOptions: { validatorUrl: null },
  });
}
