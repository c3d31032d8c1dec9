import { AddressPolicy, Resolver } from '@hookline/webhook-rules';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { HttpSender } from './http-sender';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  port: number;
  url: string;
  requests: Seen[];
  connections: number;
}

const strict: AddressPolicy = { allowPrivate: false, allowedCidrs: [] };
const open: AddressPolicy = { allowPrivate: true, allowedCidrs: [] };

const closers: Array<() => Promise<void>> = [];
const timers = new Set<NodeJS.Timeout>();

afterEach(async () => {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  // Senders first so their sockets go before the servers wait on them.
  await Promise.all(closers.splice(0).reverse().map((close) => close()));
});

function listen(server: Server | ReturnType<typeof createTlsServer>): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const state = { requests: [] as Seen[], connections: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      handler(req, res);
    });
  });
  server.on('connection', (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
  };
}

function sender(options: ConstructorParameters<typeof HttpSender>[0]): HttpSender {
  const instance = new HttpSender(options);
  closers.push(() => instance.close());
  return instance;
}

function later(ms: number, fn: () => void): void {
  const timer = setTimeout(() => {
    timers.delete(timer);
    fn();
  }, ms);
  timers.add(timer);
}

const json = { 'content-type': 'application/json' };

describe('HttpSender', () => {
  it('refuses a loopback literal without the server seeing a connection', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const result = await sender({ policy: strict, timeoutMs: 2000 }).send(server.url, json, '{}');
    expect(result).toMatchObject({ statusCode: null, errorCode: 'blocked_target', responseExcerpt: null });
    expect(result.error).toContain('loopback address 127.0.0.1');
    expect(server.connections).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses bracketed IPv6 literals, which undici hands over unbracketed', async () => {
    const result = await sender({ policy: strict, timeoutMs: 2000 }).send('http://[::ffff:7f00:1]:9/', json, '{}');
    expect(result.errorCode).toBe('blocked_target');
    expect(result.error).toContain('127.0.0.1');
  });

  it('refuses non-http protocols and malformed URLs without throwing', async () => {
    const instance = sender({ policy: open, timeoutMs: 2000 });
    await expect(instance.send('ftp://127.0.0.1/', json, '{}')).resolves.toMatchObject({ errorCode: 'blocked_target' });
    await expect(instance.send('not a url', json, '{}')).resolves.toMatchObject({ errorCode: 'invalid_url' });
  });

  it('POSTs the body and headers and reports the status', async () => {
    const server = await startServer((_req, res) => res.end('accepted'));
    const result = await sender({ policy: open, timeoutMs: 2000 }).send(server.url, { ...json, 'webhook-id': 'msg_1' }, '{"a":1}');
    expect(result).toMatchObject({ statusCode: 200, responseExcerpt: 'accepted', retryAfter: null, error: null, errorCode: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(result.durationMs)).toBe(true);
    expect(server.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/', body: '{"a":1}' })]);
    expect(server.requests[0].headers['webhook-id']).toBe('msg_1');
  });

  it('keeps only the first 4096 bytes of a large response', async () => {
    const server = await startServer((_req, res) => res.end('x'.repeat(100 * 1024)));
    const result = await sender({ policy: open, timeoutMs: 2000 }).send(server.url, json, '{}');
    expect(result.statusCode).toBe(200);
    expect(result.responseExcerpt!.length).toBeLessThanOrEqual(4096);
    expect(result.responseExcerpt!.length).toBeGreaterThan(0);
  });

  it('honours a custom maxResponseBytes', async () => {
    const server = await startServer((_req, res) => res.end('abcdefghij'));
    const result = await sender({ policy: open, timeoutMs: 2000, maxResponseBytes: 4 }).send(server.url, json, '{}');
    expect(result.responseExcerpt).toBe('abcd');
  });

  it('returns a redirect as-is and never follows it', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/') res.writeHead(302, { location: '/followed' }).end();
      else res.end('should not be reached');
    });
    const result = await sender({ policy: open, timeoutMs: 2000 }).send(server.url, json, '{}');
    expect(result.statusCode).toBe(302);
    expect(result.error).toBeNull();
    expect(server.requests.map((r) => r.path)).toEqual(['/']);
  });

  it('gives up on a slow receiver at timeoutMs', async () => {
    const server = await startServer((_req, res) => later(2000, () => res.end('late')));
    const result = await sender({ policy: open, timeoutMs: 300 }).send(server.url, json, '{}');
    expect(result).toMatchObject({ statusCode: null, errorCode: 'timeout', error: 'timed out after 300 ms' });
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('caps the whole attempt at timeoutMs, a body that trickles in under the per-chunk timeout included', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const drip = () => {
        if (res.destroyed) return;
        res.write('x');
        later(100, drip);
      };
      drip();
    });
    const result = await sender({ policy: open, timeoutMs: 400, maxResponseBytes: 1_000_000 }).send(server.url, json, '{}');
    // The answer counts (the excerpt is diagnostics only); what arrived before the cap is kept.
    expect(result.statusCode).toBe(200);
    expect(result.responseExcerpt).toMatch(/^x+$/);
    expect(result.durationMs).toBeGreaterThanOrEqual(350);
    expect(result.durationMs).toBeLessThan(1500);
  });

  it('passes Retry-After through raw', async () => {
    const server = await startServer((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'));
    const result = await sender({ policy: open, timeoutMs: 2000 }).send(server.url, json, '{}');
    expect(result).toMatchObject({ statusCode: 429, retryAfter: '120', responseExcerpt: 'slow down' });
  });

  it('turns a refused connection into a result', async () => {
    const server = await startServer((_req, res) => res.end());
    const port = server.port;
    await closers.pop()!();
    const result = await sender({ policy: open, timeoutMs: 2000 }).send(`http://127.0.0.1:${port}/`, json, '{}');
    expect(result).toMatchObject({ statusCode: null, errorCode: 'ECONNREFUSED' });
    expect(result.error).toBeTruthy();
  });

  it('reuses one keep-alive socket per origin', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const instance = sender({ policy: open, timeoutMs: 2000 });
    await instance.send(server.url, json, '1');
    // undici frees the socket a tick after the body ends; without the pause the pool would open a second one.
    await new Promise((resolve) => setImmediate(resolve));
    await instance.send(server.url, json, '2');
    expect(server.requests).toHaveLength(2);
    expect(server.connections).toBe(1);
  });
});

describe('safe dispatcher (through HttpSender)', () => {
  it('checks the addresses a name resolves to at connect time and never connects to a blocked one', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const resolve = jest.fn<ReturnType<Resolver>, Parameters<Resolver>>(async () => ['127.0.0.1']);
    const result = await sender({ policy: strict, timeoutMs: 2000, resolve }).send(`http://rebind.test:${server.port}/`, json, '{}');
    expect(result.errorCode).toBe('blocked_target');
    expect(result.error).toContain('rebind.test resolves to loopback address 127.0.0.1');
    expect(resolve).toHaveBeenCalledWith('rebind.test');
    expect(server.connections).toBe(0);
  });

  it('pins the socket to the checked address while keeping the original Host', async () => {
    const server = await startServer((_req, res) => res.end('pinned'));
    const resolve: Resolver = async (host) => (host === 'pinned.test' ? ['127.0.0.1'] : []);
    const policy: AddressPolicy = { allowPrivate: false, allowedCidrs: ['127.0.0.0/8'] };
    const result = await sender({ policy, timeoutMs: 2000, resolve }).send(`http://pinned.test:${server.port}/hook`, json, '{}');
    expect(result).toMatchObject({ statusCode: 200, responseExcerpt: 'pinned' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].headers.host).toBe(`pinned.test:${server.port}`);
    expect(server.requests[0].path).toBe('/hook');
  });

  it('sends the original name as TLS SNI when pinning an https target', async () => {
    let sni: string | null = null;
    // No certificate: we only need to observe the ClientHello, then fail the handshake.
    const tlsServer = createTlsServer({
      SNICallback: (name, cb) => {
        sni = name;
        cb(new Error('test server has no certificate'), undefined);
      },
    });
    tlsServer.on('tlsClientError', () => undefined);
    const port = await listen(tlsServer);
    closers.push(() => new Promise<void>((resolve) => tlsServer.close(() => resolve())));
    const policy: AddressPolicy = { allowPrivate: false, allowedCidrs: ['127.0.0.0/8'] };
    const resolve: Resolver = async () => ['127.0.0.1'];
    const result = await sender({ policy, timeoutMs: 2000, resolve }).send(`https://pinned.test:${port}/`, json, '{}');
    expect(result.statusCode).toBeNull();
    expect(result.errorCode).not.toBe('blocked_target');
    expect(sni).toBe('pinned.test');
  });

  it('times out a resolver that never answers', async () => {
    const resolve: Resolver = () => new Promise<string[]>(() => undefined);
    const result = await sender({ policy: strict, timeoutMs: 200, resolve }).send('http://hang.test/', json, '{}');
    expect(result).toMatchObject({ statusCode: null, errorCode: 'timeout' });
    expect(result.durationMs).toBeLessThan(2000);
  });
});
