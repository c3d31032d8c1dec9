import { InjectQueue } from '@nestjs/bull';
import { HttpStatus, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { ApiError } from './api-error';

/**
 * Failed logins (a wrong API key, admin token or Bull Board password) per client address, and wrong API keys per key
 * prefix, in fixed one-minute windows counted in Redis like the tenant rate limit (RateLimiter), so the limits hold
 * across API replicas.
 *
 * - Per address: 20 failures a minute, then 429 `too_many_failed_logins` with `Retry-After` for the rest of the window,
 *   valid credential or not, and without a database lookup. 20 is more than any honest client needs (a mistyped token,
 *   a deploy still holding a revoked key) and bounds what one address costs the database at 20 lookups a minute; it
 *   gives no useful guessing rate against 256-bit API keys and production's ≥ 128-bit admin tokens. One counter for
 *   all three kinds of credential: an address does not get 20 guesses at each.
 * - Per API key prefix (`hk_<prefix>_…`; the prefix names one key): 50 a minute. More than twice the per-address
 *   limit, so one address (stopped at 20) never trips it alone: it takes several addresses failing on one key.
 *
 * Not locking tenants out. A flood from one address stops only that address: the counter is per address, and a valid
 * key from any other address is looked up as usual. The prefix throttle could do worse: anyone who knows a key's
 * prefix (it is shown in listings and easily logged) could make the key unusable everywhere by failing on it 50 times.
 * So it applies only to addresses that have themselves failed on that prefix in this window: once it trips, each
 * such address is answered 429 without a lookup, while an address that has not failed on the prefix — the tenant's
 * own servers, which present the real key — is looked up and served as usual. A distributed guesser thus gets one
 * lookup per address per window on that prefix instead of 20. (The other option, checking the key before applying the
 * prefix throttle, would cost the lookup the throttle is there to save.) A success never resets a counter: a tenant
 * holding one valid key could otherwise wipe its address's count between guesses at other keys.
 *
 * Cost: a request whose API key this process already holds as valid (ApiKeyGuard's cache) asks nothing here — it
 * costs no lookup, and no guess ever hits that cache. A cache miss costs one Redis read before the lookup; a failure
 * one more write. Check and count are two steps, so a burst sent all at once before any of its failures is counted is
 * looked up in full (the lookups of a burst share one query per 500 keys: ApiKeysRepository); from the first count
 * past the limit to the window's end, nothing is. Counting attempts before checking them would close that gap, but
 * then a client's own burst of valid keys after a restart (the cache is empty) would be refused: not worth it.
 * Redis slower than 250 ms or unreachable: fail open (logged once per 5 s), like the rate limit.
 *
 * The client address is the socket's remote address: no X-Forwarded-For is trusted. Behind a reverse proxy every
 * client would share the proxy's address; deployments with one need an explicit setting to name the client from the
 * proxy's header, which Hookline does not have yet. IPv6 clients are counted per /64, the block one host usually holds.
 */
export const FAILED_LOGIN_WINDOW_MS = 60_000;
export const FAILED_LOGINS_PER_ADDRESS = 20;
export const FAILED_LOGINS_PER_KEY_PREFIX = 50;

export interface FailedLoginLimits {
  perAddress: number;
  perKeyPrefix: number;
  windowMs: number;
}

export const DEFAULT_FAILED_LOGIN_LIMITS: FailedLoginLimits = {
  perAddress: FAILED_LOGINS_PER_ADDRESS,
  perKeyPrefix: FAILED_LOGINS_PER_KEY_PREFIX,
  windowMs: FAILED_LOGIN_WINDOW_MS,
};

/** Optional provider to change the limits (the defaults above otherwise): `{ provide: FAILED_LOGIN_LIMITS, useValue }`. */
export const FAILED_LOGIN_LIMITS = Symbol('FAILED_LOGIN_LIMITS');

/** Failures counted so far in this window, before the attempt being decided. */
export interface FailureCounts {
  address: number;
  /** Only for an API key with a prefix: failures on that prefix from any address... */
  keyPrefix?: number;
  /** ...and from this address. */
  addressOnKeyPrefix?: number;
}

export type ThrottleReason = 'address' | 'key_prefix';

/** The pure decision: which throttle, if any, stops this attempt before its credential is checked. */
export function throttleReason(counts: FailureCounts, limits: Pick<FailedLoginLimits, 'perAddress' | 'perKeyPrefix'>): ThrottleReason | null {
  if (counts.address >= limits.perAddress) return 'address';
  if ((counts.keyPrefix ?? 0) >= limits.perKeyPrefix && (counts.addressOnKeyPrefix ?? 0) >= 1) return 'key_prefix';
  return null;
}

/** Seconds until the fixed window holding `now` ends, at least 1. */
export function retryAfterSeconds(now: number, windowMs: number): number {
  const window = Math.floor(now / windowMs);
  return Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
}

/** The prefix of a key shaped like Hookline's (`hk_<12 hex>_<secret>`), else null (such a key has no prefix counter). */
export function apiKeyPrefix(presented: string): string | null {
  return /^hk_([0-9a-f]{12})_/.exec(presented)?.[1] ?? null;
}

/**
 * What the address counter is keyed by: the IPv4 address (also when IPv4-mapped, `::ffff:a.b.c.d`), or the /64 of an
 * IPv6 address, as `2001:db8:0:1::/64`.
 */
export function addressKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remoteAddress);
  if (mapped) return mapped[1];
  if (!isIPv6(remoteAddress)) return remoteAddress;
  const bare = remoteAddress.split('%')[0].toLowerCase();
  // An embedded IPv4 tail stands for two groups.
  const groups = (text: string) => (text === '' ? [] : text.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])));
  const double = bare.indexOf('::');
  let all: string[];
  if (double === -1) all = groups(bare);
  else {
    const head = groups(bare.slice(0, double));
    const tail = groups(bare.slice(double + 2));
    all = [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail];
  }
  return `${all
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** One login attempt, checked before its credential is: `fail()` it when the credential turns out wrong. */
export interface LoginAttempt {
  /** Set when the attempt must be refused (429) without checking its credential. */
  throttled: ThrottleReason | null;
  retryAfterSeconds: number;
  /** The counters a failure of this attempt increments (none when Redis was not asked: fail open). */
  readonly keys: string[];
}

/** ioredis states of a client that has lost Redis and is waiting to retry. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);
const REDIS_TIMEOUT_MS = 250;
const FAIL_OPEN_MS = 5000;
/** INCR each counter, and give it its expiry when it is new: one step, so no counter is left without one. */
const FAIL_SCRIPT = `for i = 1, #KEYS do if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end end return #KEYS`;

@Injectable()
export class FailedLoginThrottle {
  private readonly logger = new Logger(FailedLoginThrottle.name);
  private readonly limits: FailedLoginLimits;
  private skipUntil = 0;

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(FAILED_LOGIN_LIMITS) limits?: Partial<FailedLoginLimits>,
  ) {
    this.limits = { ...DEFAULT_FAILED_LOGIN_LIMITS, ...limits };
  }

  /** The client's address as counted: the socket's remote address (see above), IPv6 by /64. */
  /** Express's `req.ip`: the socket's address, or with TRUST_PROXY the client a trusted proxy forwarded for. */
  clientAddress(request: IncomingMessage): string {
    return addressKey((request as IncomingMessage & { ip?: string }).ip ?? request.socket?.remoteAddress);
  }

  /**
   * Reads this window's counters for the request's address (and the API key's prefix, if given). Call it before the
   * credential is checked; when `throttled` is set, refuse without checking it (`tooMany`).
   */
  async check(request: IncomingMessage, keyPrefix: string | null = null): Promise<LoginAttempt> {
    const now = Date.now();
    const { windowMs } = this.limits;
    const window = Math.floor(now / windowMs);
    const address = this.clientAddress(request);
    const base = `${this.config.queuePrefix}:failed-logins`;
    const keys = [`${base}:address:${address}:${window}`];
    if (keyPrefix !== null) keys.push(`${base}:key-prefix:${keyPrefix}:${window}`, `${base}:key-prefix:${keyPrefix}:address:${address}:${window}`);
    const retryAfter = retryAfterSeconds(now, windowMs);
    const counts = await this.read(keys, now);
    if (counts === null) return { throttled: null, retryAfterSeconds: retryAfter, keys: [] };
    const [addressCount, keyPrefixCount, addressOnKeyPrefix] = counts;
    const throttled = throttleReason({ address: addressCount, keyPrefix: keyPrefixCount, addressOnKeyPrefix }, this.limits);
    return { throttled, retryAfterSeconds: retryAfter, keys };
  }

  /** Counts the attempt as failed. Never throws: a Redis that does not answer leaves it uncounted (fail open). */
  async fail(attempt: LoginAttempt): Promise<void> {
    if (attempt.keys.length === 0) return;
    const now = Date.now();
    if (now < this.skipUntil) return;
    try {
      await this.withTimeout(this.queue.client.eval(FAIL_SCRIPT, attempt.keys.length, ...attempt.keys, String(this.limits.windowMs + 1000)));
    } catch (error) {
      this.failOpen(now, (error as Error).message);
    }
  }

  /** The 429 for a throttled attempt, in the envelope like the rate limit's `rate_limited`. */
  tooMany(attempt: LoginAttempt): ApiError {
    return new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'too_many_failed_logins', tooManyMessage(attempt), [], {
      'Retry-After': String(attempt.retryAfterSeconds),
    });
  }

  private async read(keys: string[], now: number): Promise<number[] | null> {
    if (now < this.skipUntil) return null;
    if (DISCONNECTED.has(this.queue.client.status)) return this.failOpen(now, 'Redis is unreachable');
    try {
      const values = await this.withTimeout(this.queue.client.mget(...keys));
      return values.map((value) => Number(value ?? 0) || 0);
    } catch (error) {
      return this.failOpen(now, (error as Error).message);
    }
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private failOpen(now: number, reason: string): null {
    if (now >= this.skipUntil) this.logger.warn(`Failed logins not throttled for ${FAIL_OPEN_MS} ms, Redis unavailable: ${reason}`);
    this.skipUntil = now + FAIL_OPEN_MS;
    return null;
  }
}

export function tooManyMessage(attempt: Pick<LoginAttempt, 'throttled' | 'retryAfterSeconds'>): string {
  const what = attempt.throttled === 'key_prefix' ? 'for this API key' : 'from this address';
  return `Too many failed logins ${what}: try again in ${attempt.retryAfterSeconds} s`;
}
