import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { createInspectorApp } from '../../apps/inspector/src/bootstrap';
import { BinView, RequestView } from '../../apps/inspector/src/bins/bin.view';

/**
 * The webhook inspector (`npm run inspector`) started in-process on a free 127.0.0.1 port, for suites that want the
 * receiver a developer uses: bins, chosen answers, signature verdicts.
 */
export class Inspector {
  private app!: INestApplication;
  baseUrl = '';

  static async start(): Promise<Inspector> {
    const inspector = new Inspector();
    inspector.app = await createInspectorApp({ logLevel: 'silent' });
    await inspector.app.listen(0, '127.0.0.1');
    inspector.baseUrl = `http://127.0.0.1:${(inspector.app.getHttpServer().address() as AddressInfo).port}`;
    return inspector;
  }

  async createBin(config?: { status?: number; delay_ms?: number; secret?: string | null }): Promise<BinView> {
    const created = await this.json<BinView>('POST', '/bins');
    return config ? this.configure(created.id, config) : created;
  }

  configure(binId: string, config: { status?: number; delay_ms?: number; secret?: string | null }): Promise<BinView> {
    return this.json<BinView>('PUT', `/bins/${binId}/config`, config);
  }

  /** Newest first. */
  requests(binId: string): Promise<RequestView[]> {
    return this.json<RequestView[]>('GET', `/bins/${binId}/requests`);
  }

  /** Waits, bounded, until the bin holds `count` requests; newest first. */
  async waitFor(binId: string, count: number, timeoutMs = 20000): Promise<RequestView[]> {
    const deadline = Date.now() + timeoutMs;
    let got: RequestView[] = [];
    while (Date.now() < deadline) {
      got = await this.requests(binId);
      if (got.length >= count) return got;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`inspector: expected ${count} request(s) in bin ${binId} within ${timeoutMs} ms, got ${got.length}`);
  }

  async close(): Promise<void> {
    await this.app?.close();
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`inspector: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }
}
