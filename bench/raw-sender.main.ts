import 'reflect-metadata';
import { generateSecret, signedHeaders } from '@hookline/signing';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { now } from './clock';
import { deliveryBody } from './payload';

/**
 * The raw ceiling: what one process can do when it only signs (Standard Webhooks, HMAC-SHA256) and POSTs 1 KiB
 * bodies with one undici Agent, `inFlight` at a time. No database, no queue. Started by the bench with its settings
 * as a JSON argument; answers with one `result` message.
 */

export interface RawSenderSettings {
  url: string;
  warmupUrl: string;
  count: number;
  warmup: number;
  inFlight: number;
}

export interface RawSenderResult {
  type: 'result';
  elapsedMs: number;
  ok: number;
  failed: number;
  firstError: string | null;
}

async function send(agent: Agent, url: string, total: number, inFlight: number, secret: string): Promise<{ ok: number; failed: number; firstError: string | null }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | null = null;
  const lane = async () => {
    while (next < total) {
      const seq = next++;
      const id = randomUUID();
      const body = deliveryBody(randomUUID(), seq);
      const headers = { 'content-type': 'application/json', 'user-agent': 'hookline-bench', ...signedHeaders([secret], id, body) };
      try {
        const response = await request(url, { method: 'POST', headers, body, dispatcher: agent, headersTimeout: 15_000, bodyTimeout: 15_000 });
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) ok += 1;
        else {
          failed += 1;
          firstError ??= `HTTP ${response.statusCode}`;
        }
      } catch (error) {
        failed += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return { ok, failed, firstError };
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2]) as RawSenderSettings;
  const secret = generateSecret();
  const agent = new Agent({ connections: settings.inFlight, keepAliveTimeout: 30_000 });
  await send(agent, settings.warmupUrl, settings.warmup, settings.inFlight, secret);
  const started = now();
  const counts = await send(agent, settings.url, settings.count, settings.inFlight, secret);
  const result: RawSenderResult = { type: 'result', elapsedMs: now() - started, ...counts };
  await agent.close();
  process.send?.(result, () => process.exit(0));
}

process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  process.stderr.write(`raw sender: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
