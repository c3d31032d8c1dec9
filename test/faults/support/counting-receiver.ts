import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { sleep, waitUntil } from './child-app';

/** How the receiver answers the n-th request (0-based) carrying one webhook-id, at `path`. */
export type Answer = (webhookId: string, n: number, path: string) => { status: number; delayMs: number };

/**
 * A local receiver that counts what a real one would deduplicate on: distinct webhook-ids, how many times each
 * arrived, how many of those it answered 2xx, and how many requests for one id were in flight at the same moment.
 */
export class CountingReceiver {
  /** Requests per webhook-id, in arrival order. */
  readonly arrivals = new Map<string, number>();
  /** 2xx answers per webhook-id. */
  readonly accepted = new Map<string, number>();
  private readonly inFlightById = new Map<string, number>();
  maxConcurrentPerId = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Arrival times (ms since epoch) of every request. */
  readonly arrivalTimes: number[] = [];
  private server = createServer((req, res) => void this.handle(req, res));
  port = 0;

  constructor(public answer: Answer = () => ({ status: 200, delayMs: 0 })) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  get distinct(): number {
    return this.arrivals.size;
  }

  get requests(): number {
    return [...this.arrivals.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Deliveries a deduplicating receiver would have dropped: 2xx-answered copies beyond the first, per id. */
  get duplicated(): number {
    return [...this.accepted.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  }

  /** Arrivals beyond the first per id, whatever they were answered (retries after a 5xx included). */
  get repeated(): number {
    return this.requests - this.distinct;
  }

  async waitForDistinct(count: number, timeoutMs: number): Promise<void> {
    await waitUntil(`${count} distinct webhook-ids (have ${this.distinct})`, () => this.distinct >= count, timeoutMs, 25);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const chunk of req) void chunk;
    const id = String(req.headers['webhook-id'] ?? 'none');
    const n = this.arrivals.get(id) ?? 0;
    this.arrivals.set(id, n + 1);
    this.arrivalTimes.push(Date.now());
    const concurrent = (this.inFlightById.get(id) ?? 0) + 1;
    this.inFlightById.set(id, concurrent);
    this.maxConcurrentPerId = Math.max(this.maxConcurrentPerId, concurrent);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const { status, delayMs } = this.answer(id, n, (req.url ?? '/').split('?')[0]);
      if (delayMs > 0) await sleep(delayMs);
      if (status >= 200 && status < 300) this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1);
      res.statusCode = status;
      res.end(`status ${status}`);
    } finally {
      this.inFlight--;
      this.inFlightById.set(id, (this.inFlightById.get(id) ?? 1) - 1);
    }
  }
}
