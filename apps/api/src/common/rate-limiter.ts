import { InjectQueue } from '@nestjs/bull';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { GroupCommit } from '@hookline/batching';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import type { Response } from 'express';
import { ApiError } from './api-error';

const WINDOW_MS = 60_000;
/** The count is advisory: a Redis slower than this lets the request through rather than slowing the API. */
const REDIS_TIMEOUT_MS = 250;
/** After Redis failed, requests skip the count for this long instead of each waiting out the timeout. */
const FAIL_OPEN_MS = 5000;
/** ioredis states of a client that has lost Redis and is waiting to retry. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);
/**
 * INCRBY for the requests of one batch (ARGV[2] of them) and the key's expiry in one step, so a crash between them
 * cannot leave a counter that never expires; the key is new when the count equals that number.
 */
const COUNT_SCRIPT = `local n = redis.call('INCRBY', KEYS[1], ARGV[2]) if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

/**
 * RATE_LIMIT_PER_MINUTE per tenant on the tenant API, in fixed one-minute windows counted in Redis, so the limit holds
 * across API replicas. ApiKeyGuard asks it once the tenant is known: guards run before any interceptor (the upload's
 * multer among them), so a refused upload is never read. Not an interceptor of its own: every Nest interceptor costs
 * each request an rxjs pipeline (see envelope-handlers.ts). If Redis is down the API fails open (logged): accepting
 * work matters more.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private skipUntil = 0;
  /**
   * Requests arriving together are counted in one Redis round trip: one INCRBY per tenant window for all of them,
   * each request still getting its own place in the count.
   */
  private readonly counts = new GroupCommit<string, number>((keys) => this.countMany(keys), { maxBatch: 1000 });

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts this request for the tenant; sets the X-RateLimit headers, and throws 429 once the window's limit is passed. */
  async enforce(tenantId: string, response: Response): Promise<void> {
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const count = await this.count(`${this.config.queuePrefix}:rate-limit:${tenantId}:${window}`, now);
    if (count === null) return;
    const limit = this.config.rateLimitPerMinute;
    response.setHeader('X-RateLimit-Limit', String(limit));
    response.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
    if (count > limit) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
      throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'rate_limited', `Too many requests: at most ${limit} per minute per tenant`, [], {
        'Retry-After': String(retryAfter),
      });
    }
  }

  /** This window's count including this request, or null when Redis did not answer (fail open). */
  private async count(key: string, now: number): Promise<number | null> {
    if (now < this.skipUntil) return null;
    if (DISCONNECTED.has(this.queue.client.status)) return this.failOpen(now, 'Redis is unreachable');
    try {
      return await this.counts.submit(key);
    } catch (error) {
      return this.failOpen(now, (error as Error).message);
    }
  }

  /** One pipeline for the batch; the counts are handed out in arrival order within each key. */
  private async countMany(keys: string[]): Promise<Array<number | Error>> {
    const perKey = new Map<string, number>();
    for (const key of keys) perKey.set(key, (perKey.get(key) ?? 0) + 1);
    const pipeline = this.queue.client.pipeline();
    for (const [key, hits] of perKey) pipeline.eval(COUNT_SCRIPT, 1, key, String(WINDOW_MS + 1000), String(hits));
    let timer: NodeJS.Timeout | undefined;
    const answers = await Promise.race([
      pipeline.exec(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const next = new Map<string, number | Error>();
    [...perKey].forEach(([key, hits], index) => {
      const [error, total] = answers?.[index] ?? [new Error('no answer'), null];
      next.set(key, error ? error : Number(total) - hits + 1);
    });
    return keys.map((key) => {
      const count = next.get(key)!;
      if (count instanceof Error) return count;
      next.set(key, count + 1);
      return count;
    });
  }

  private failOpen(now: number, reason: string): null {
    // One warning per outage window, not one per request caught in it.
    if (now >= this.skipUntil) this.logger.warn(`Rate limit not enforced for ${FAIL_OPEN_MS} ms, Redis unavailable: ${reason}`);
    this.skipUntil = now + FAIL_OPEN_MS;
    return null;
  }
}
