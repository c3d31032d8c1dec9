import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiResponse, Platform, Tenant } from './support/platform';

const TABLES = ['webhooks', 'uploads', 'events', 'deliveries'];
const URL_OK = 'http://127.0.0.1:9/hook';

/**
 * Every bad input of API.md answers its 4xx envelope and writes nothing: no rows in any table, no file on disk.
 * No upload in this suite ever succeeds, so the upload directory must stay free of files throughout.
 */
describe('bad input: 4xx envelopes, nothing written', () => {
  let platform: Platform;
  let tenant: Tenant;
  let other: Tenant;
  let eventTypeId: string;
  let webhookId: string;
  let foreignWebhookId: string;

  async function filesOnDisk(): Promise<string[]> {
    const entries = await readdir(platform.uploadDir, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => !entry.isDirectory()).map((entry) => join(entry.parentPath ?? entry.path, entry.name));
  }

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of TABLES) result[table] = await platform.count(table);
    return result;
  }

  /** Runs `send`, checks the error envelope, and that no row and no file appeared. */
  async function expectRefused(send: () => Promise<ApiResponse>, status: number, code: string): Promise<ApiResponse> {
    const before = await counts();
    const response = await send();
    expect({ status: response.status, code: response.body.data?.code }).toEqual({ status, code });
    expect(response.body).toEqual({ message: expect.any(String), data: { code, details: expect.any(Array) }, error: true });
    expect(await counts()).toEqual(before);
    expect(await filesOnDisk()).toEqual([]);
    return response;
  }

  function register(body: Record<string, unknown>, token = tenant.apiKey): Promise<ApiResponse> {
    return platform.request('POST', '/webhook/register', { token, body });
  }

  /** A valid registration with `override` applied (a key set to undefined is left out). */
  function valid(override: Record<string, unknown> = {}): Record<string, unknown> {
    return { event_type_id: eventTypeId, user_id: 1, url: URL_OK, ...override };
  }

  /** 422 with exactly one detail, for `field`, whose message matches `pattern`. */
  async function expectInvalid(body: Record<string, unknown>, field: string, pattern?: RegExp): Promise<void> {
    const response = await expectRefused(() => register(body), 422, 'validation_failed');
    expect(response.body.data.details).toEqual([{ field, message: expect.any(String) }]);
    if (pattern) expect(response.body.data.details[0].message).toMatch(pattern);
  }

  function uploadForm(field: string | null, content: string | Buffer = 'hello'): FormData {
    const form = new FormData();
    if (field) form.append(field, new Blob([content], { type: 'text/plain' }), 'hello.txt');
    else form.append('note', 'no file here');
    return form;
  }

  beforeAll(async () => {
    platform = await Platform.start({ MAX_UPLOAD_BYTES: '1024' }, { worker: false });
    tenant = await platform.createTenant('bad-input');
    other = await platform.createTenant('someone-else');
    eventTypeId = await platform.systemEventTypeId(tenant);
    webhookId = (await platform.registerWebhook(tenant, { url: URL_OK })).id;
    foreignWebhookId = (await platform.registerWebhook(other, { url: URL_OK })).id;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  describe('POST /webhook/register', () => {
    it('answers 400 malformed_json to a body that is not JSON', async () => {
      for (const rawBody of ['{"user_id": 1,', '{user_id: 1}', 'not json at all', '{"a":1}}']) {
        await expectRefused(() => platform.request('POST', '/webhook/register', { token: tenant.apiKey, rawBody }), 400, 'malformed_json');
      }
    });

    it('answers 413 to a body over the JSON limit', async () => {
      const body = valid({ custom_payload: { blob: 'x'.repeat(400 * 1024) } });
      await expectRefused(() => register(body), 413, 'payload_too_large');
    });

    it('names each missing field once', async () => {
      const response = await expectRefused(() => register({}), 422, 'validation_failed');
      const fields = response.body.data.details.map((detail: { field: string }) => detail.field).sort();
      expect(fields).toEqual(['event_type_id', 'url', 'user_id']);
    });

    it('gives one detail per offending field when several are wrong', async () => {
      const response = await expectRefused(() => register(valid({ user_id: 0, url: 'ftp://example.com/x', extra: true })), 422, 'validation_failed');
      const fields = response.body.data.details.map((detail: { field: string }) => detail.field).sort();
      expect(fields).toEqual(['extra', 'url', 'user_id']);
    });

    it('refuses a user_id that is not a positive integer', async () => {
      for (const userId of [0, -1, '1', 1.5, null, 2 ** 31]) {
        await expectInvalid(valid({ user_id: userId }), 'user_id');
      }
    });

    it('refuses a url that is not an absolute http(s) URL of at most 2048 chars without credentials', async () => {
      await expectInvalid(valid({ url: 'ftp://example.com/hook' }), 'url', /http/);
      await expectInvalid(valid({ url: '/relative/hook' }), 'url');
      await expectInvalid(valid({ url: 'example.com/hook' }), 'url');
      await expectInvalid(valid({ url: `http://127.0.0.1/${'a'.repeat(3000)}` }), 'url', /2048/);
      await expectInvalid(valid({ url: 'http://user:pass@127.0.0.1/hook' }), 'url', /username or password/);
      await expectInvalid(valid({ url: 42 }), 'url');
    });

    it('refuses reserved custom header names', async () => {
      for (const name of ['Host', 'Content-Length', 'Transfer-Encoding', 'Webhook-Signature', 'webhook-id', 'Proxy-Authorization']) {
        await expectInvalid(valid({ custom_headers: { [name]: 'x' } }), 'custom_headers', new RegExp(`${name.toLowerCase()} is reserved`));
      }
    });

    it('refuses header values with CR/LF, non-string values, bad names and a non-JSON content-type', async () => {
      await expectInvalid(valid({ custom_headers: { 'X-Team': 'a\r\nX-Injected: 1' } }), 'custom_headers', /CR, LF/);
      await expectInvalid(valid({ custom_headers: { 'X-Team': 'a\nb' } }), 'custom_headers', /CR, LF/);
      await expectInvalid(valid({ custom_headers: { 'X-Count': 5 } }), 'custom_headers', /must be a string/);
      await expectInvalid(valid({ custom_headers: { 'Bad Name': 'x' } }), 'custom_headers', /token/);
      await expectInvalid(valid({ custom_headers: { 'Content-Type': 'text/plain' } }), 'custom_headers', /JSON media type/);
      await expectInvalid(valid({ custom_headers: ['X-Team: a'] }), 'custom_headers');
    });

    it('refuses a custom payload with reserved keys, over 64 KiB, or not an object', async () => {
      for (const key of ['id', 'type', 'timestamp', 'data']) {
        await expectInvalid(valid({ custom_payload: { [key]: 'shadowing', fine: 1 } }), 'custom_payload', new RegExp(key));
      }
      await expectInvalid(valid({ custom_payload: { blob: 'x'.repeat(65 * 1024) } }), 'custom_payload');
      await expectInvalid(valid({ custom_payload: [1, 2, 3] }), 'custom_payload', /object/);
      await expectInvalid(valid({ custom_payload: 'text' }), 'custom_payload', /object/);
    });

    it('refuses an unknown extra field', async () => {
      await expectInvalid(valid({ secret: 'whsec_mine' }), 'secret');
    });

    it('refuses an event_type_id that is not a uuid or not an event type', async () => {
      await expectInvalid(valid({ event_type_id: 'file.uploaded' }), 'event_type_id');
      await expectInvalid(valid({ event_type_id: randomUUID() }), 'event_type_id');
    });

    it('accepts the same body once it is valid (so the refusals above are about the bad field)', async () => {
      const response = await register(valid({ custom_headers: { 'X-Team': 'payments' }, custom_payload: { key1: 'value1' } }));
      expect(response.status).toBe(201);
      await platform.db.query('DELETE FROM webhooks WHERE id = $1', [response.body.data.id]);
    });
  });

  describe('POST /upload_file/webhook_id/:id', () => {
    const upload = (id: string, form: FormData, token = tenant.apiKey) => () =>
      platform.request('POST', `/upload_file/webhook_id/${id}`, { token, rawBody: form });

    it('answers 404 for an unknown, foreign or malformed webhook id', async () => {
      const random = await expectRefused(upload(randomUUID(), uploadForm('file')), 404, 'not_found');
      const foreign = await expectRefused(upload(foreignWebhookId, uploadForm('file')), 404, 'not_found');
      expect(foreign.body).toEqual(random.body);
      await expectRefused(upload('not-a-uuid', uploadForm('file')), 404, 'not_found');
    });

    it('answers 400 file_missing without a file', async () => {
      await expectRefused(upload(webhookId, uploadForm(null)), 400, 'file_missing');
      await expectRefused(
        () => platform.request('POST', `/upload_file/webhook_id/${webhookId}`, { token: tenant.apiKey, body: { file: 'inline' } }),
        400,
        'file_missing',
      );
    });

    it('answers 400 to a file in another field', async () => {
      await expectRefused(upload(webhookId, uploadForm('document')), 400, 'bad_request');
    });

    it('answers 400 to two files, a form cut short, or a multipart body without a boundary, leaving nothing on disk', async () => {
      const two = new FormData();
      two.append('file', new Blob(['a']), 'a.txt');
      two.append('file', new Blob(['b']), 'b.txt');
      await expectRefused(upload(webhookId, two), 400, 'bad_request');

      const cutShort = '--cut\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n' + 'a'.repeat(500);
      const send = (contentType: string, rawBody: string) => () =>
        platform.request('POST', `/upload_file/webhook_id/${webhookId}`, { token: tenant.apiKey, rawBody, headers: { 'content-type': contentType } });
      await expectRefused(send('multipart/form-data; boundary=cut', cutShort), 400, 'bad_request');
      await expectRefused(send('multipart/form-data', cutShort), 400, 'bad_request');
    });

    it('answers 413 over MAX_UPLOAD_BYTES and leaves nothing on disk', async () => {
      await expectRefused(upload(webhookId, uploadForm('file', Buffer.alloc(5000, 'a'))), 413, 'payload_too_large');
      // One byte over the limit is already too much.
      await expectRefused(upload(webhookId, uploadForm('file', Buffer.alloc(1025, 'a'))), 413, 'payload_too_large');
    });

    it('answers 409 to an upload to a disabled webhook, the same whether this process saw it enabled moments ago or never', async () => {
      // webhookId passed the target check in the cases above, so the API remembers it enabled: the statement that
      // records the upload refuses it, after the file was read, and the file goes. The second webhook was never seen
      // enabled: the target check refuses it before a byte is read.
      const other = await register(valid({ url: `${URL_OK}/second` }));
      expect(other.status).toBe(201);
      const neverSeen = other.body.data.id as string;
      await platform.db.query(`UPDATE webhooks SET status = 'disabled' WHERE id = ANY($1::uuid[])`, [[webhookId, neverSeen]]);
      try {
        const seen = await expectRefused(upload(webhookId, uploadForm('file')), 409, 'webhook_disabled');
        const cold = await expectRefused(upload(neverSeen, uploadForm('file')), 409, 'webhook_disabled');
        expect(seen.body).toEqual(cold.body);
      } finally {
        await platform.db.query(`UPDATE webhooks SET status = 'enabled' WHERE id = $1`, [webhookId]);
        await platform.db.query('DELETE FROM webhooks WHERE id = $1', [neverSeen]);
      }
    });
  });

  describe('credentials', () => {
    const routes: Array<[string, string]> = [
      ['GET', '/event_type'],
      ['POST', '/webhook/register'],
      ['GET', '/v1/webhooks'],
      ['GET', '/v1/error-logs'],
    ];

    it('answers 401 without, with an invalid, or with a garbled API key', async () => {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer hk_not_a_real_key' },
        { authorization: 'Bearer' },
        { authorization: 'Basic b3BzOmJvYXJkLXBhc3N3b3Jk' },
        { authorization: `Bearer ${tenant.apiKey} extra` },
        { authorization: '\u00ff\u00fe garbage' },
        { 'x-api-key': 'hk_not_a_real_key' },
      ];
      for (const [method, path] of routes) {
        for (const headers of attempts) {
          const body = method === 'POST' ? { body: valid() } : {};
          await expectRefused(() => platform.request(method, path, { headers, ...body }), 401, 'unauthorized');
        }
      }
      await expectRefused(() => platform.request('POST', `/upload_file/webhook_id/${webhookId}`, { rawBody: uploadForm('file') }), 401, 'unauthorized');
    });

    it('accepts the key as X-API-Key too (so the 401s above are about the key)', async () => {
      const response = await platform.request('GET', '/event_type', { headers: { 'x-api-key': tenant.apiKey } });
      expect(response.status).toBe(200);
    });
  });

  describe('ids and cursors', () => {
    it('answers 404, not 500, to malformed ids in paths', async () => {
      for (const path of ['/v1/webhooks/not-a-uuid', '/v1/deliveries/not-a-uuid', '/v1/uploads/not-a-uuid', "/v1/webhooks/1'%20OR%20'1'='1", '/v1/webhooks/%00']) {
        await expectRefused(() => platform.request('GET', path, { token: tenant.apiKey }), 404, 'not_found');
      }
    });

    it('answers 422 to an invalid cursor or limit', async () => {
      const garbage = Buffer.from('2024-01-01T00:00:00|not-a-uuid').toString('base64url');
      for (const query of ['cursor=garbage', `cursor=${garbage}`, 'cursor=' + 'a'.repeat(300), 'limit=0', 'limit=abc', 'limit=1000']) {
        for (const path of ['/v1/webhooks', '/v1/error-logs']) {
          const response = await expectRefused(() => platform.request('GET', `${path}?${query}`, { token: tenant.apiKey }), 422, 'validation_failed');
          expect(response.body.data.details).toEqual([{ field: expect.stringMatching(/^(cursor|limit)$/), message: expect.any(String) }]);
        }
      }
    });

    it('answers 422 to malformed filters', async () => {
      await expectRefused(() => platform.request('GET', '/v1/webhooks?status=maybe', { token: tenant.apiKey }), 422, 'validation_failed');
      await expectRefused(() => platform.request('GET', '/v1/webhooks?user_id=x', { token: tenant.apiKey }), 422, 'validation_failed');
      await expectRefused(() => platform.request('GET', '/v1/error-logs?delivery_id=nope', { token: tenant.apiKey }), 422, 'validation_failed');
    });
  });
});
