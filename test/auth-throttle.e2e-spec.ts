import { ApiKeysRepository } from '@hookline/db';
import { randomBytes } from 'node:crypto';
import { IncomingHttpHeaders, request } from 'node:http';
import { FAILED_LOGINS_PER_ADDRESS, FAILED_LOGINS_PER_KEY_PREFIX } from '../apps/api/src/common/failed-login.throttle';
import { ChildApp, sleep, waitUntil } from './faults/support/child-app';
import { FaultStack } from './faults/support/fault-stack';
import { ADMIN_TOKEN, Platform, Tenant } from './support/platform';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
}

/**
 * One request from a chosen local address. Linux routes all of 127/8 to loopback, so binding the client socket to
 * 127.0.0.x makes the API see a client at that address (fetch cannot choose its local address; node:http can).
 */
function send(baseUrl: string, method: string, path: string, options: { from: string; headers?: Record<string, string>; body?: unknown }): Promise<Answer> {
  const url = new URL(path, baseUrl);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method, headers, localAddress: options.from, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON (Bull Board's page): kept as text
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** A key shaped like Hookline's (`hk_<12 hex>_<secret>`) that matches nothing; on `prefix` when given. */
const wrongKey = (prefix = randomBytes(6).toString('hex')) => `hk_${prefix}_${randomBytes(32).toString('base64url')}`;
const prefixOf = (apiKey: string) => /^hk_([0-9a-f]{12})_/.exec(apiKey)![1];
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The counters are fixed one-minute windows: start a sequence early in one, so all of it falls in the same window. */
async function earlyInWindow(): Promise<void> {
  if (Date.now() % 60_000 > 40_000) await sleep(60_000 - (Date.now() % 60_000) + 50);
}

function expectThrottled(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual({ message: expect.stringMatching(/^Too many failed logins/), data: { code: 'too_many_failed_logins', details: [] }, error: true });
  const retryAfter = Number(answer.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

/** Failed logins (API keys, the admin token, Bull Board) throttled per client address and per key prefix, in Redis. */
describe('failed-login throttle', () => {
  let platform: Platform;
  let lookups: jest.SpyInstance;

  beforeAll(async () => {
    platform = await Platform.start({}, { worker: false });
    lookups = jest.spyOn(platform.api.get(ApiKeysRepository), 'findActiveByHash');
  });

  afterAll(async () => {
    lookups?.mockRestore();
    await platform?.stop();
  });

  const tenantRoute = (from: string, apiKey?: string) =>
    send(platform.baseUrl, 'GET', '/v1/webhooks', { from, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });

  it('answers 429 with Retry-After and no lookup after 20 wrong keys from one address, and only to that address', async () => {
    const other = await platform.createTenant('other');
    const victim = await platform.createTenant('same-address');
    await earlyInWindow();
    const attacker = '127.0.0.2';
    const before = lookups.mock.calls.length;
    for (let n = 0; n < FAILED_LOGINS_PER_ADDRESS; n++) {
      const answer = await tenantRoute(attacker, wrongKey());
      expect(answer.status).toBe(401);
      expect(answer.body.data.code).toBe('unauthorized');
    }
    expect(lookups.mock.calls.length - before).toBe(FAILED_LOGINS_PER_ADDRESS);

    const refused = await tenantRoute(attacker, wrongKey());
    expectThrottled(refused);
    expect(refused.body.message).toMatch(/from this address/);
    // Refused without asking the database.
    expect(lookups.mock.calls.length - before).toBe(FAILED_LOGINS_PER_ADDRESS);
    // The address is throttled whatever key it presents: a key it has not used yet is not looked up either.
    expectThrottled(await tenantRoute(attacker, victim.apiKey));
    expectThrottled(await send(platform.baseUrl, 'GET', '/v1/webhooks', { from: attacker, headers: { 'x-api-key': wrongKey() } }));
    expect(lookups.mock.calls.length - before).toBe(FAILED_LOGINS_PER_ADDRESS);
    // No key at all is still a plain 401: nothing is checked, nothing counted.
    expect((await tenantRoute(attacker)).status).toBe(401);

    // Any other address is untouched: another tenant's key, and the same tenant's key, are served.
    expect((await tenantRoute('127.0.0.3', other.apiKey)).status).toBe(200);
    expect((await tenantRoute('127.0.0.1', victim.apiKey)).status).toBe(200);
    expect((await tenantRoute('127.0.0.3', wrongKey())).status).toBe(401);
  });

  it("throttles guesses on one key's prefix only for the addresses that failed on it: the tenant's own address is served", async () => {
    const target = await platform.createTenant('targeted');
    const prefix = prefixOf(target.apiKey);
    await earlyInWindow();
    const attackers = ['127.0.0.10', '127.0.0.11', '127.0.0.12'];
    // 17 + 17 + 16 = 50 failures on the prefix, no address reaching its own limit of 20.
    const shares = [17, 17, FAILED_LOGINS_PER_KEY_PREFIX - 34];
    const before = lookups.mock.calls.length;
    for (const [index, from] of attackers.entries()) {
      for (let n = 0; n < shares[index]; n++) expect((await tenantRoute(from, wrongKey(prefix))).status).toBe(401);
    }
    expect(lookups.mock.calls.length - before).toBe(FAILED_LOGINS_PER_KEY_PREFIX);

    // The prefix is now throttled for the addresses that failed on it, without a lookup...
    for (const from of attackers) {
      const refused = await tenantRoute(from, wrongKey(prefix));
      expectThrottled(refused);
      expect(refused.body.message).toMatch(/for this API key/);
    }
    // ...even with the right key (it is not checked: a throttle that let the right guess through would be an oracle).
    expectThrottled(await tenantRoute(attackers[0], target.apiKey));
    expect(lookups.mock.calls.length - before).toBe(FAILED_LOGINS_PER_KEY_PREFIX);
    // Those addresses are not throttled as such: a key on another prefix is still checked.
    expect((await tenantRoute(attackers[0], wrongKey())).status).toBe(401);

    // The tenant, from its own address (which never failed on the prefix), gets in: its key is looked up as usual.
    const own = await tenantRoute('127.0.0.13', target.apiKey);
    expect(own.status).toBe(200);
    expect(own.body.data).toEqual({ items: [], next_cursor: null });
    expect(lookups.mock.calls.length - before).toBe(FAILED_LOGINS_PER_KEY_PREFIX + 2);

    // A fresh address guessing on the prefix gets one lookup, then 429: a distributed guesser gets one per address.
    const newcomer = '127.0.0.14';
    expect((await tenantRoute(newcomer, wrongKey(prefix))).status).toBe(401);
    expectThrottled(await tenantRoute(newcomer, wrongKey(prefix)));
    expect(lookups.mock.calls.length - before).toBe(FAILED_LOGINS_PER_KEY_PREFIX + 3);
  });

  it('throttles wrong admin tokens per address the same way, and never compares a token from a throttled address', async () => {
    await earlyInWindow();
    const attacker = '127.0.0.20';
    const createTenant = (from: string, token?: string) =>
      send(platform.baseUrl, 'POST', '/admin/tenants', { from, body: { name: 'via-admin' }, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const tenantsBefore = await platform.count('tenants');
    for (let n = 0; n < FAILED_LOGINS_PER_ADDRESS; n++) {
      const answer = await createTenant(attacker, `wrong-${randomBytes(16).toString('hex')}`);
      expect(answer.status).toBe(401);
      expect(answer.body.data.code).toBe('unauthorized');
    }
    expectThrottled(await createTenant(attacker, `wrong-${randomBytes(16).toString('hex')}`));
    // The right token from the throttled address: 429 as well, and nothing created.
    expectThrottled(await createTenant(attacker, ADMIN_TOKEN));
    expect(await platform.count('tenants')).toBe(tenantsBefore);
    // No token: a plain 401.
    expect((await createTenant(attacker)).status).toBe(401);
    // The operator, elsewhere, is not locked out.
    expect((await createTenant('127.0.0.21', ADMIN_TOKEN)).status).toBe(201);
    expect(await platform.count('tenants')).toBe(tenantsBefore + 1);
  });

  it('throttles Bull Board the same way; a wrong user with the right password is a 401 like any other failure', async () => {
    await earlyInWindow();
    const attacker = '127.0.0.30';
    const board = (from: string, authorization?: string) => send(platform.baseUrl, 'GET', '/admin/queues/api/queues', { from, headers: authorization ? { authorization } : {} });

    const wrongUser = await board(attacker, basic('admin', 'board-password'));
    const wrongPassword = await board(attacker, basic('ops', 'not-the-password'));
    for (const answer of [wrongUser, wrongPassword]) {
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
    expect(wrongUser.body).toEqual(wrongPassword.body);
    expect(wrongUser.body).toEqual({ message: expect.any(String), data: { code: 'unauthorized', details: [] }, error: true });
    // Both counted: 18 more reach the limit.
    for (let n = 2; n < FAILED_LOGINS_PER_ADDRESS; n++) expect((await board(attacker, basic(n % 2 ? 'ops' : 'root', `guess-${n}`))).status).toBe(401);

    expectThrottled(await board(attacker, basic('ops', 'guess-again')));
    expectThrottled(await board(attacker, basic('ops', 'board-password')));
    expectThrottled(await send(platform.baseUrl, 'GET', '/admin/queues', { from: attacker, headers: { authorization: basic('ops', 'board-password') } }));
    // Nothing presented: the plain 401 that asks for credentials.
    expect((await board(attacker)).status).toBe(401);

    const operator = await board('127.0.0.31', basic('ops', 'board-password'));
    expect(operator.status).toBe(200);
    expect(operator.body.queues).toHaveLength(1);
  });

  it('counts failures of every kind against one budget per address', async () => {
    await earlyInWindow();
    const from = '127.0.0.40';
    for (let n = 0; n < 7; n++) expect((await tenantRoute(from, wrongKey())).status).toBe(401);
    for (let n = 0; n < 7; n++) {
      expect((await send(platform.baseUrl, 'POST', '/admin/tenants', { from, body: { name: 'x' }, headers: { authorization: `Bearer wrong-${n}` } })).status).toBe(401);
    }
    for (let n = 0; n < FAILED_LOGINS_PER_ADDRESS - 14; n++) {
      expect((await send(platform.baseUrl, 'GET', '/admin/queues/api/queues', { from, headers: { authorization: basic('ops', `wrong-${n}`) } })).status).toBe(401);
    }
    expectThrottled(await tenantRoute(from, wrongKey()));
    expectThrottled(await send(platform.baseUrl, 'POST', '/admin/tenants', { from, body: { name: 'x' }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
  });
});

/** The request log line, read from the real built API's stdout (a child process: the in-process Platform logs nothing). */
describe('request log: credentials in the query string', () => {
  let stack: FaultStack;
  let api: ChildApp;

  beforeAll(async () => {
    stack = await FaultStack.create();
    // 401 is logged at warn, FaultStack's level.
    api = await stack.startApi('api');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('logs `?api_key=hk_…` and other credential parameters as [redacted], keeping the rest of the URL', async () => {
    const secret = 'Zm9vYmFyLXRoaXMtaXMtdGhlLXNlY3JldA';
    const key = `hk_0a1b2c3d4e5f_${secret}`;
    const mark = api.lineCount;
    const refused = await fetch(`${api.baseUrl}/v1/webhooks?api_key=${key}&limit=5&token=t0p-s3cret&q=${encodeURIComponent(`Bearer ${key}`)}`, {
      headers: { 'x-request-id': 'redact-query-1' },
    });
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();
    const line = await waitUntil(
      'the request log line',
      () =>
        api
          .linesSince(mark)
          .map((text) => {
            try {
              return JSON.parse(text);
            } catch {
              return null;
            }
          })
          .find((parsed) => parsed?.req?.id === 'redact-query-1'),
      10_000,
    );
    expect(line).toMatchObject({ level: 'warn', req: { method: 'GET', url: '/v1/webhooks?api_key=[redacted]&limit=5&token=[redacted]&q=[redacted]' }, res: { statusCode: 401 } });
    const printed = api.linesSince(mark).join('\n');
    for (const leaked of [secret, 'hk_0a1b2c3d4e5f', 't0p-s3cret']) expect(printed).not.toContain(leaked);
  });
});
