import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export type Responder = (request: ReceivedRequest, index: number, response: ServerResponse) => void | Promise<void>;

/**
 * Our stand-in for webhook-test endpoints: a local HTTP server on 127.0.0.1 that records every request and answers
 * per path as a test tells it (default 200).
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly counts = new Map<string, number>();
  private server = createServer((req, res) => void this.handle(req, res));
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answers requests to `path` with `responder`; `statuses` is a shortcut for a sequence of plain status codes. */
  on(path: string, responder: Responder): void {
    this.responders.set(path, responder);
  }

  statuses(path: string, statuses: number[], fallback = 200): void {
    this.on(path, (_request, index, response) => {
      response.statusCode = statuses[index] ?? fallback;
      response.end(`status ${response.statusCode}`);
    });
  }

  received(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Waits, bounded, until `count` requests reached `path`. */
  async waitFor(path: string, count: number, timeoutMs = 20000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const got = this.received(path);
      if (got.length >= count) return got;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`receiver: expected ${count} request(s) at ${path} within ${timeoutMs} ms, got ${this.received(path).length}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0];
    const request: ReceivedRequest = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
    this.requests.push(request);
    const index = this.counts.get(path) ?? 0;
    this.counts.set(path, index + 1);
    const responder = this.responders.get(path);
    if (responder) return responder(request, index, res);
    res.statusCode = 200;
    res.end('ok');
  }
}

/** Verifies a received request as a receiver using the public standardwebhooks library would; throws if it does not verify. */
export function verifySignature(request: ReceivedRequest, secret: string): unknown {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}
