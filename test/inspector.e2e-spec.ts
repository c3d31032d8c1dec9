import { generateSecret, signedHeaders } from '@hookline/signing';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { chromium, Browser } from 'playwright-core';
import { MAX_BODY_BYTES } from '../apps/inspector/src/capture/capture.service';
import { Inspector } from './support/inspector';
import { Platform } from './support/platform';

const CHROMIUM = '/usr/bin/chromium';

/** The webhook inspector (`npm run inspector`): bins, signature verdicts, chosen answers, and its page in a browser. */
describe('webhook inspector', () => {
  let inspector: Inspector;

  beforeAll(async () => {
    inspector = await Inspector.start();
  });

  afterAll(async () => {
    await inspector?.close();
  });

  const send = (url: string, body: string, headers: Record<string, string> = {}, method = 'POST') =>
    fetch(url, { method, body, headers: { 'content-type': 'application/json', ...headers } });

  it('gives out a bin whose URL is built from the Host the caller used', async () => {
    const response = await fetch(`${inspector.baseUrl}/bins`, { method: 'POST' });
    expect(response.status).toBe(201);
    const bin = (await response.json()) as { id: string; url: string };
    expect(bin).toMatchObject({ id: expect.any(String), url: `${inspector.baseUrl}/b/${bin.id}` });

    // fetch will not send a Host of our choosing; node:http will, as curl -H 'Host: …' does.
    const createWithHost = (host: string) =>
      new Promise<{ id: string; url: string }>((resolve, reject) => {
        const request = httpRequest(`${inspector.baseUrl}/bins`, { method: 'POST', headers: { host } }, (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(JSON.parse(text)));
        });
        request.on('error', reject).end();
      });
    const viaCompose = await createWithHost('inspector:8090');
    expect(viaCompose.url).toBe(`http://inspector:8090/b/${viaCompose.id}`);
    const forged = await createWithHost('x"><script>');
    expect(forged.url).toBe(`${inspector.baseUrl}/b/${forged.id}`);
  });

  it('stores method, path, query, headers and the exact body; lists newest first', async () => {
    const bin = await inspector.createBin();
    expect((await send(`${bin.url}/orders/42?attempt=1`, '{"a": 1}', { 'x-team': 'payments' }, 'PUT')).status).toBe(200);
    expect((await fetch(bin.url, { method: 'DELETE' })).status).toBe(200);

    const [newest, first] = await inspector.requests(bin.id);
    expect(newest).toMatchObject({ method: 'DELETE', path: `/b/${bin.id}`, body: '', signature: null });
    expect(first).toMatchObject({
      method: 'PUT',
      path: `/b/${bin.id}/orders/42`,
      query: 'attempt=1',
      body: '{"a": 1}',
      body_encoding: 'utf8',
      body_bytes: 8,
      truncated: false,
      signature: null,
    });
    expect(first.headers).toMatchObject({ 'content-type': 'application/json', 'x-team': 'payments' });
    expect(new Date(first.received_at).toISOString()).toBe(first.received_at);
  });

  it('verifies Standard Webhooks signatures with the bin secret: valid, invalid when tampered, missing when unsigned', async () => {
    const secret = generateSecret();
    const bin = await inspector.createBin({ secret });
    expect(bin.config).toEqual({ status: 200, delay_ms: 0, has_secret: true });
    const body = JSON.stringify({ id: 'evt_1', type: 'file.uploaded', data: { size: 3 } });

    await send(bin.url, body, { ...signedHeaders([secret], 'msg_good', body) });
    await send(bin.url, body.replace('"size":3', '"size":4'), { ...signedHeaders([secret], 'msg_tampered', body) });
    await send(bin.url, body, { ...signedHeaders([generateSecret()], 'msg_other_secret', body) });
    await send(bin.url, body);

    const [unsigned, otherSecret, tampered, good] = await inspector.requests(bin.id);
    expect(good).toMatchObject({ signature: 'valid', signature_reason: null, body });
    expect(good.headers['webhook-id']).toBe('msg_good');
    expect(tampered).toMatchObject({ signature: 'invalid', signature_reason: 'No matching signature found' });
    expect(otherSecret.signature).toBe('invalid');
    expect(unsigned).toMatchObject({ signature: 'missing' });
  });

  it('answers with the configured status after the configured delay', async () => {
    const bin = await inspector.createBin({ status: 503, delay_ms: 800 });
    expect(bin.config).toEqual({ status: 503, delay_ms: 800, has_secret: false });
    const started = Date.now();
    const answer = send(bin.url, '{}');
    // Stored on arrival, answered only after the delay.
    const [stored] = await inspector.waitFor(bin.id, 1, 5000);
    expect(stored.method).toBe('POST');
    const response = await answer;
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ bin: bin.id, request_id: stored.id });
    expect(Date.now() - started).toBeGreaterThanOrEqual(790);

    await inspector.configure(bin.id, { status: 204, delay_ms: 0 });
    expect((await send(bin.url, '{}')).status).toBe(204);
  });

  it('does not hold its shutdown for a pending 60-second delay', async () => {
    const other = await Inspector.start();
    const bin = await other.createBin({ delay_ms: 60_000 });
    const answer = send(bin.url, '{}').then((response) => response.status, () => 'connection closed');
    await other.waitFor(bin.id, 1, 5000);
    await other.close();
    // Reaching this line inside the 20 s test bound, well under 60 s, is the point; the sender gets an answer or a close.
    expect([200, 'connection closed']).toContain(await answer);
  }, 20_000);

  it('refuses bad configuration with 422, malformed JSON with 400, unknown bins with 404', async () => {
    const bin = await inspector.createBin();
    const put = (body: string) => fetch(`${inspector.baseUrl}/bins/${bin.id}/config`, { method: 'PUT', body, headers: { 'content-type': 'application/json' } });
    for (const config of [{ status: 99 }, { status: 600 }, { delay_ms: 60_001 }, { delay_ms: -1 }, { secret: 'not-a-secret' }, { secret: 'whsec_' }, { colour: 'red' }]) {
      expect({ config, status: (await put(JSON.stringify(config))).status }).toEqual({ config, status: 422 });
    }
    expect((await put('{"status":')).status).toBe(400);
    expect((await put('[]')).status).toBe(422);
    expect((await fetch(`${inspector.baseUrl}/bins/${bin.id}/config`, { method: 'PUT' })).status).toBe(400);
    expect((await fetch(`${inspector.baseUrl}/bins/${bin.id}/config`, { method: 'PUT', body: 'status=500' })).status).toBe(400);
    expect((await put(JSON.stringify({ secret: null }))).status).toBe(200);

    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await fetch(`${inspector.baseUrl}/b/${unknown}`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${inspector.baseUrl}/bins/${unknown}/requests`)).status).toBe(404);
    expect((await fetch(`${inspector.baseUrl}/bins/${unknown}`)).status).toBe(404);
    expect((await fetch(`${inspector.baseUrl}/bins/${bin.id}/requests?limit=ten`)).status).toBe(400);
  });

  it('cuts a body over 1 MiB, keeps its first MiB and answers 413', async () => {
    const bin = await inspector.createBin();
    const status = await new Promise<number | string>((resolve) => {
      const request = httpRequest(bin.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      // The inspector may close the socket while the rest is still being written; what it stored is what matters.
      request.on('error', (error) => resolve(error.message));
      request.end(Buffer.alloc(MAX_BODY_BYTES + 64 * 1024, 'x'));
    });
    expect([413, 'socket hang up', 'write EPIPE', 'read ECONNRESET']).toContain(status);
    const [stored] = await inspector.waitFor(bin.id, 1, 5000);
    expect(stored).toMatchObject({ truncated: true, body_bytes: MAX_BODY_BYTES });
  });

  it('escapes everything a sender chose on the page and restricts scripts to its own', async () => {
    const bin = await inspector.createBin();
    await send(`${bin.url}/<b>path`, '<script>alert("body")</script>', { 'content-type': 'text/plain', 'x-evil': '"><img src=x onerror=alert(1)>' });
    const response = await fetch(`${inspector.baseUrl}/bins/${bin.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/);
    const page = await response.text();
    expect(page).toContain('&lt;script&gt;alert(&quot;body&quot;)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page.match(/<script/g)).toHaveLength(1);
  });

  it('receives a real Hookline delivery: register with the bin URL, upload, signature valid', async () => {
    const platform = await Platform.start();
    try {
      const tenant = await platform.createTenant('inspector-walkthrough');
      const bin = await inspector.createBin();
      const webhook = await platform.registerWebhook(tenant, { url: bin.url, custom_payload: { source: 'readme' } });
      await inspector.configure(bin.id, { secret: webhook.secret });
      const upload = await platform.upload(tenant, webhook.id, 'hello inspector', 'hello.txt');
      expect(upload.status).toBe(200);

      const [received] = await inspector.waitFor(bin.id, 1);
      expect(received).toMatchObject({ method: 'POST', signature: 'valid' });
      expect(received.headers['webhook-id']).toBe(upload.body.data.delivery_id);
      expect(JSON.parse(received.body)).toMatchObject({ type: 'file.uploaded', source: 'readme', data: { filename: 'hello.txt', size: 15 } });
    } finally {
      await platform.stop();
    }
  });

  describe('its page in Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`Chromium is not installed at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (this test never downloads a browser)`);
      }
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('shows a webhook as it arrives, with its signature verdict, and runs no script from its body', async () => {
      const secret = generateSecret();
      const bin = await inspector.createBin({ secret });
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${inspector.baseUrl}/bins/${bin.id}`);
      await page.getByTestId('empty').waitFor({ timeout: 10000 });
      expect(await page.getByTestId('bin-url').textContent()).toBe(bin.url);

      const body = JSON.stringify({ id: 'evt_page', type: 'file.uploaded', data: { note: '<img src=x onerror=alert(1)>' } });
      expect((await send(bin.url, body, { ...signedHeaders([secret], 'msg_page', body) })).status).toBe(200);

      const request = page.getByTestId('request').first();
      await request.waitFor({ timeout: 10000 });
      expect(await request.getByTestId('request-method').textContent()).toBe('POST');
      expect(await request.getByTestId('signature').getAttribute('data-verdict')).toBe('valid');
      expect(await request.getByTestId('request-body').textContent()).toContain('"note": "<img src=x onerror=alert(1)>"');
      expect(await request.getByTestId('request-headers').textContent()).toContain('msg_page');
      expect(await page.getByTestId('request-count').textContent()).toBe('1 request(s)');
      expect(await page.locator('[data-testid=live] img').count()).toBe(0);

      const tampered = body.replace('evt_page', 'evt_forged');
      await send(bin.url, tampered, { ...signedHeaders([secret], 'msg_forged', body) });
      await page.getByTestId('request').nth(1).waitFor({ timeout: 10000 });
      expect(await page.getByTestId('request').first().getByTestId('signature').getAttribute('data-verdict')).toBe('invalid');
      expect(dialogs).toEqual([]);
      await page.close();
    });

    it('makes a new bin from the index page and lists it there', async () => {
      const page = await browser.newPage();
      await page.goto(inspector.baseUrl);
      await page.getByTestId('new-bin').click();
      await page.waitForURL(/\/bins\/[0-9a-f-]{36}$/, { timeout: 10000 });
      const id = page.url().split('/').pop()!;
      expect(await page.getByTestId('bin-url').textContent()).toBe(`${inspector.baseUrl}/b/${id}`);
      await page.goto(inspector.baseUrl);
      expect(await page.locator(`[data-testid=bin][data-bin-id="${id}"]`).count()).toBe(1);
      await page.close();
    });
  });
});
