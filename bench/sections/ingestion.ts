import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { BenchContext, Unavailable, Void } from '../context';
import { BenchTenant } from '../fixtures';
import { BODY_BYTES, EVENT_TYPE_KEY, eventData } from '../payload';

export interface LoadResult {
  /** 2xx answers per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  durationS: number;
}

/** Each endpoint stands alone: one that is missing or fails does not void the other two. */
export type LoadOutcome = LoadResult | { unavailable: string } | { void: string };

export interface IngestionRun {
  events: LoadOutcome;
  upload: LoadOutcome;
  bare: LoadOutcome;
}

export interface IngestionTargets {
  apiUrl: string;
  bareUrl: string;
  tenant: BenchTenant;
  webhookId: string;
}

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** One multipart body with a 1 KiB file in the field `file`, built once and sent as is by every request. */
function multipart(): { body: Buffer; contentType: string } {
  const boundary = `----hookline-bench-${randomBytes(8).toString('hex')}`;
  const file = 'x'.repeat(BODY_BYTES);
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.txt"\r\nContent-Type: text/plain\r\n\r\n${file}\r\n--${boundary}--\r\n`,
  );
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function load(target: Target, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: target.url, method: 'POST', headers: target.headers, body: target.body, connections, duration: seconds, timeout: 10 });
}

function summarise(name: string, result: autocannon.Result): LoadResult {
  const ok = result['2xx'];
  if (ok === 0 && (result.statusCodeStats['404']?.count ?? 0) > 0) throw new Unavailable(`${name} answered 404`);
  const bad = result.non2xx + result.errors;
  if (bad > 0) {
    const codes = Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, stat]) => `${stat?.count ?? 0}×${code}`)
      .join(', ');
    throw new Void(`${name}: ${result.non2xx} non-2xx answers (${codes || 'none'}), ${result.errors} errors (${result.timeouts} timeouts) of ${ok + bad}`);
  }
  return { rps: ok / result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99, requests: ok, durationS: result.duration };
}

/**
 * 4. Ingestion under autocannon, `inFlight` connections each: POST /v1/events, the upload endpoint, and the bare
 * NestJS endpoint as the yardstick, one after the other in every run so drift touches all three alike. The worker
 * is not running: this measures what the API alone can accept.
 */
export async function ingestionRun(ctx: BenchContext, targets: IngestionTargets): Promise<IngestionRun> {
  const { options } = ctx;
  const auth = { authorization: `Bearer ${targets.tenant.apiKey}` };
  const json = JSON.stringify({ event_type: EVENT_TYPE_KEY, data: eventData(0) });
  const form = multipart();
  const plan: Array<[keyof IngestionRun, string, Target]> = [
    ['events', 'POST /v1/events', { url: `${targets.apiUrl}/v1/events`, headers: { ...auth, 'content-type': 'application/json' }, body: json }],
    [
      'upload',
      'POST /upload_file/webhook_id/:id',
      { url: `${targets.apiUrl}/upload_file/webhook_id/${targets.webhookId}`, headers: { ...auth, 'content-type': form.contentType }, body: form.body },
    ],
    ['bare', 'bare NestJS endpoint', { url: `${targets.bareUrl}/v1/events`, headers: { 'content-type': 'application/json' }, body: json }],
  ];
  const run: Partial<IngestionRun> = {};
  for (const [key, name, target] of plan) {
    await load(target, options.inFlight, options.ingestWarmupSeconds);
    try {
      run[key] = summarise(name, await load(target, options.inFlight, options.ingestSeconds));
    } catch (error) {
      if (error instanceof Unavailable) run[key] = { unavailable: error.message };
      else if (error instanceof Void) run[key] = { void: error.message };
      else throw error;
    }
  }
  return run as IngestionRun;
}
