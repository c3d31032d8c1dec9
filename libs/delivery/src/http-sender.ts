import { AddressPolicy, BlockedTargetError, Resolver } from '@hookline/webhook-rules';
import { performance } from 'node:perf_hooks';
import { Agent, Dispatcher, request } from 'undici';
import { createSafeAgent } from './safe-dispatcher';

export interface SendResult {
  /** Null when no response arrived; a 3xx is reported as-is because redirects are never followed. */
  statusCode: number | null;
  durationMs: number;
  /** Start of the response body for diagnostics; null when no response arrived. */
  responseExcerpt: string | null;
  /** Raw Retry-After header, left for the retry scheduler to interpret. */
  retryAfter: string | null;
  error: string | null;
  /** 'timeout', 'blocked_target', 'invalid_url', a socket code such as 'ECONNREFUSED', or an undici code. */
  errorCode: string | null;
}

export interface HttpSenderOptions {
  policy: AddressPolicy;
  /** Bounds the whole attempt, DNS included (DELIVERY_TIMEOUT_MS). */
  timeoutMs: number;
  /** Defaults to the process-wide cached c-ares resolver. */
  resolve?: Resolver;
  /** Bounds the DNS lookup within timeoutMs; the shared resolver's own bound, 5 s, when omitted. */
  dnsTimeoutMs?: number;
  maxResponseBytes?: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 4096;
const BLOCKED_CODE: BlockedTargetError['code'] = 'blocked_target';
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

type ResponseBody = Dispatcher.ResponseData['body'];

function firstHeader(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/*
 * Duck-typed on purpose: errors raised inside node:net or as a DOMException by AbortSignal can come
 * from another realm (e.g. under jest's vm sandbox), where `instanceof Error` is false.
 */
function asErrorLike(value: unknown): ErrorLike | null {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : null;
}

/* undici may wrap the interesting error (e.g. our BlockedTargetError) as a cause. */
function causes(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let current = asErrorLike(error); current !== null && chain.length < 5; current = asErrorLike(current.cause)) {
    chain.push(current);
  }
  return chain;
}

function codeOf(error: ErrorLike): string | null {
  return typeof error.code === 'string' && error.code !== '' ? error.code : null;
}

function isTimeout(error: ErrorLike): boolean {
  const code = codeOf(error);
  return error.name === 'TimeoutError' || (code !== null && TIMEOUT_CODES.has(code));
}

function describeFailure(error: unknown, timeoutMs: number): { error: string; errorCode: string } {
  const chain = causes(error);
  const messageOf = (e: ErrorLike | undefined) => (typeof e?.message === 'string' && e.message !== '' ? e.message : null);
  const blocked = chain.find((e) => codeOf(e) === BLOCKED_CODE);
  if (blocked) return { error: messageOf(blocked) ?? 'blocked target', errorCode: BLOCKED_CODE };
  const dnsTimeout = chain.find((e) => isTimeout(e) && typeof (e as { dnsTimeoutMs?: unknown }).dnsTimeoutMs === 'number');
  if (dnsTimeout) return { error: messageOf(dnsTimeout) ?? 'DNS lookup timed out', errorCode: 'timeout' };
  if (chain.some(isTimeout)) return { error: `timed out after ${timeoutMs} ms`, errorCode: 'timeout' };
  const coded = chain.find((e) => codeOf(e) !== null);
  if (coded) return { error: messageOf(coded) ?? codeOf(coded)!, errorCode: codeOf(coded)! };
  return { error: messageOf(chain[0]) ?? String(error), errorCode: 'request_failed' };
}

/**
 * Reads at most `limit` bytes, then destroys the body: draining an arbitrarily large or slow
 * response would let the receiver hold the worker. Destroying mid-body costs the keep-alive
 * socket, which only happens for responses larger than the excerpt. The excerpt is diagnostic
 * only, so a failure while reading it does not change the delivery outcome.
 */
async function readExcerpt(body: ResponseBody, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    if (limit > 0) {
      for await (const chunk of body) {
        const buffer = chunk as Buffer;
        const taken = buffer.subarray(0, limit - size);
        chunks.push(taken);
        size += taken.length;
        if (size >= limit) break;
      }
    }
  } catch {
    // Partial excerpt is still useful; the status code already tells the outcome.
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** POSTs webhook payloads through one shared SSRF-safe agent; never throws from `send`. */
export class HttpSender {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private closing: Promise<void> | null = null;

  constructor(options: HttpSenderOptions) {
    this.timeoutMs = options.timeoutMs;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.agent = createSafeAgent({
      policy: options.policy,
      resolve: options.resolve,
      connectTimeoutMs: options.timeoutMs,
      dnsTimeoutMs: options.dnsTimeoutMs,
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failed = (failure: { error: string; errorCode: string }): SendResult => ({
      statusCode: null,
      durationMs: elapsed(),
      responseExcerpt: null,
      retryAfter: null,
      ...failure,
    });

    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return failed({ error: `invalid URL: ${url}`, errorCode: 'invalid_url' });
    }
    // Fail fast with a clear reason; the connector would refuse anyway, but less legibly.
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      const error = new BlockedTargetError(`blocked: protocol ${target.protocol} is not allowed (only http and https)`);
      return failed({ error: error.message, errorCode: error.code });
    }

    // The undici timeouts are per phase; this caps the attempt as a whole, DNS and the excerpt included. What
    // AbortSignal.timeout does, with a plain timer: that one costs ~8 µs per call here (a weakly held timer and a
    // finalizer each), this ~0.2.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), this.timeoutMs);
    timer.unref();
    try {
      // No redirect interceptor is composed, so a 3xx comes back untouched. undici 7 rejects a
      // non-zero `maxRedirections` on request() outright, hence it is not passed at all.
      const response = await request(target, {
        dispatcher: this.agent,
        method: 'POST',
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: deadline.signal,
      });
      const responseExcerpt = await readExcerpt(response.body, this.maxResponseBytes);
      return {
        statusCode: response.statusCode,
        durationMs: elapsed(),
        responseExcerpt,
        retryAfter: firstHeader(response.headers['retry-after']),
        error: null,
        errorCode: null,
      };
    } catch (error) {
      return failed(describeFailure(error, this.timeoutMs));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for in-flight requests, then closes every pooled socket. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.agent.close();
    return this.closing;
  }
}
