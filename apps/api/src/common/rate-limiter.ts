import { InjectQueue } from '@nestjs/bull';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { GroupCommit } from '@hookline/batching';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import type { Response } from 'express';
import { ApiError } from './api-error';

const WINDOW_MS = 60_000;
/** The window is counted in buckets of this size; a request counts the buckets of the last 60-65 s. */
const BUCKET_MS = 5_000;
/** The current bucket and the 12 before it: their span always covers the last full minute. */
const BUCKETS = WINDOW_MS / BUCKET_MS + 1;
/** The count is advisory: a Redis slower than this lets the request through rather than slowing the API. */
const REDIS_TIMEOUT_MS = 250;
/** After Redis failed, requests skip the count for this long instead of each waiting out the timeout. */
const FAIL_OPEN_MS = 5000;
/** ioredis states of a client that has lost Redis and is waiting to retry. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);
/**
 * KEYS: the tenant's bucket counters, oldest first, the current one last. ARGV: expiry, the requests of the batch,
 * the limit. Counts as many of the batch as the window has room for (refused requests are not counted, so a client
 * that keeps retrying while limited is admitted again as soon as the window has room), on the current bucket with its
 * expiry in the same step; answers how many were admitted, then every bucket's count, oldest first.
 */
const COUNT_SCRIPT = `local counts = redis.call('MGET', unpack(KEYS))
local used = 0
for i = 1, #counts do used = used + (tonumber(counts[i]) or 0) end
local admitted = math.max(0, math.min(tonumber(ARGV[2]), tonumber(ARGV[3]) - used))
if admitted > 0 then
  local current = KEYS[#KEYS]
  local n = redis.call('INCRBY', current, admitted)
  if n == admitted then redis.call('PEXPIRE', current, ARGV[1]) end
  counts[#counts] = n
end
local answer = { admitted }
for i = 1, #counts do answer[i + 1] = tonumber(counts[i]) or 0 end
return answer`;

/** A tenant's window as Redis holds it after a batch: the counts of its buckets, oldest first. */
export interface WindowCounts {
  /** Index of the current bucket (Date.now() / BUCKET_MS). */
  bucket: number;
  counts: number[];
}

/**
 * A request is admitted while the requests of the last BUCKETS buckets are fewer than the limit. Those buckets span
 * 60 to 65 s back, so no 60-second window, wherever it starts, ever holds more than the limit (a fixed one-minute
 * window let twice the limit through across its boundary); the price is a limit counted over up to 65 s. A refused
 * request is told, in Retry-After, when enough of the oldest buckets leave the window for one more.
 */
export function retryAfterSeconds(window: WindowCounts, limit: number, now: number): number {
  let used = window.counts.reduce((sum, count) => sum + count, 0);
  for (let index = 0; index < window.counts.length && used >= limit; index++) {
    used -= window.counts[index];
    if (used < limit) {
      // Bucket window.bucket - (BUCKETS - 1 - index) stops being counted once the current bucket is BUCKETS past it.
      const leavesAt = (window.bucket - (BUCKETS - 1 - index) + BUCKETS) * BUCKET_MS;
      return Math.max(1, Math.ceil((leavesAt - now) / 1000));
    }
  }
  return Math.ceil(WINDOW_MS / 1000);
}

/**
 * RATE_LIMIT_PER_MINUTE per tenant on the tenant API, in a sliding window counted in Redis (slidingWindowDecision), so
 * the limit holds across API replicas. ApiKeyGuard asks it once the tenant is known: guards run before any interceptor (the upload's
 * multer among them), so a refused upload is never read. Not an interceptor of its own: every Nest interceptor costs
 * each request an rxjs pipeline (see envelope-handlers.ts). If Redis is down the API fails open (logged): accepting
 * work matters more.
 */
interface Counted {
  window: WindowCounts;
  admitted: boolean;
  remaining: number;
}

@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private skipUntil = 0;
  /**
   * Requests arriving together are counted in one Redis round trip: one INCRBY per tenant window for all of them,
   * each request still getting its own place in the count.
   */
  private readonly counts = new GroupCommit<string, Counted>((tenants) => this.countMany(tenants), { maxBatch: 1000 });

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts this request for the tenant; sets the X-RateLimit headers, and throws 429 once the window's limit is passed. */
  /** The clock; a test moves it. */
  protected now(): number {
    return Date.now();
  }

  async enforce(tenantId: string, response: Response): Promise<void> {
    const now = this.now();
    const counted = await this.count(tenantId, now);
    if (counted === null) return;
    const limit = this.config.rateLimitPerMinute;
    response.setHeader('X-RateLimit-Limit', String(limit));
    response.setHeader('X-RateLimit-Remaining', String(counted.remaining));
    if (!counted.admitted) {
      throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'rate_limited', `Too many requests: at most ${limit} per minute per tenant`, [], {
        'Retry-After': String(retryAfterSeconds(counted.window, limit, now)),
      });
    }
  }

  /** Whether this request fits the tenant's window (counted if it does); null when Redis did not answer (fail open). */
  private async count(tenantId: string, now: number): Promise<Counted | null> {
    if (now < this.skipUntil) return null;
    if (DISCONNECTED.has(this.queue.client.status)) return this.failOpen(now, 'Redis is unreachable');
    try {
      return await this.counts.submit(tenantId);
    } catch (error) {
      return this.failOpen(now, (error as Error).message);
    }
  }

  /** Bucket keys of one tenant, oldest first; hash-tagged by tenant so one script can touch them all on a Redis Cluster. */
  private keysOf(tenantId: string, bucket: number): string[] {
    return Array.from({ length: BUCKETS }, (_, index) => `${this.config.queuePrefix}:rate-limit:{${tenantId}}:${bucket - (BUCKETS - 1) + index}`);
  }

  /** One pipeline for the batch: one script per tenant; its first requests, in arrival order, take the room there is. */
  private async countMany(tenants: string[]): Promise<Array<Counted | Error>> {
    const bucket = Math.floor(this.now() / BUCKET_MS);
    const perKey = new Map<string, number>();
    for (const tenant of tenants) perKey.set(tenant, (perKey.get(tenant) ?? 0) + 1);
    const pipeline = this.queue.client.pipeline();
    // A bucket is read for BUCKETS buckets after it was current; a little longer so a slow clock never misses one.
    const ttl = String(BUCKETS * BUCKET_MS + 5000);
    const limit = String(this.config.rateLimitPerMinute);
    for (const [tenant, hits] of perKey) pipeline.eval(COUNT_SCRIPT, BUCKETS, ...this.keysOf(tenant, bucket), ttl, String(hits), limit);
    let timer: NodeJS.Timeout | undefined;
    const answers = await Promise.race([
      pipeline.exec(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const limitNumber = this.config.rateLimitPerMinute;
    const outcomes = new Map<string, { window: WindowCounts; admitted: number; used: number; next: number } | Error>();
    [...perKey].forEach(([tenant], index) => {
      const [error, answer] = answers?.[index] ?? [new Error('no answer'), null];
      if (error) return outcomes.set(tenant, error);
      const [admitted, ...counts] = (answer as number[]).map(Number);
      const window = { bucket, counts };
      outcomes.set(tenant, { window, admitted, used: counts.reduce((sum, count) => sum + count, 0) - admitted, next: 0 });
    });
    return tenants.map((tenant) => {
      const outcome = outcomes.get(tenant)!;
      if (outcome instanceof Error) return outcome;
      const place = outcome.next++;
      const admitted = place < outcome.admitted;
      return { window: outcome.window, admitted, remaining: admitted ? limitNumber - (outcome.used + place + 1) : 0 };
    });
  }

  private failOpen(now: number, reason: string): null {
    // One warning per outage window, not one per request caught in it.
    if (now >= this.skipUntil) this.logger.warn(`Rate limit not enforced for ${FAIL_OPEN_MS} ms, Redis unavailable: ${reason}`);
    this.skipUntil = now + FAIL_OPEN_MS;
    return null;
  }
}
