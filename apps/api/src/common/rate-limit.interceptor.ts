import { InjectQueue } from '@nestjs/bull';
import { CallHandler, ExecutionContext, HttpStatus, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';
import { ApiError } from './api-error';
import { TenantContext } from './tenant';

const WINDOW_MS = 60_000;
/** The count is advisory: a Redis slower than this lets the request through rather than slowing the API. */
const REDIS_TIMEOUT_MS = 250;
/** After Redis failed, requests skip the count for this long instead of each waiting out the timeout. */
const FAIL_OPEN_MS = 5000;
/** INCR and the key's expiry in one step, so a crash between them cannot leave a counter that never expires. */
/** ioredis states of a client that has lost Redis and is waiting to retry. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);
const COUNT_SCRIPT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

/**
 * RATE_LIMIT_PER_MINUTE per tenant on the tenant API, in fixed one-minute windows counted in Redis, so the limit holds
 * across API replicas. An interceptor rather than a global guard: global guards run before ApiKeyGuard, and the
 * tenant is what is counted; interceptors run after every guard and before the route's own (the upload's multer), so
 * a refused upload is never read. If Redis is down the API fails open (logged): accepting work matters more.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly logger = new Logger(RateLimitInterceptor.name);
  private skipUntil = 0;

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { tenant?: TenantContext }>();
    if (!request.tenant) return next.handle();
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const count = await this.count(`${this.config.queuePrefix}:rate-limit:${request.tenant.tenantId}:${window}`, now);
    if (count === null) return next.handle();
    const limit = this.config.rateLimitPerMinute;
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('X-RateLimit-Limit', String(limit));
    response.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
    if (count > limit) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
      throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'rate_limited', `Too many requests: at most ${limit} per minute per tenant`, [], {
        'Retry-After': String(retryAfter),
      });
    }
    return next.handle();
  }

  /** This window's count including this request, or null when Redis did not answer (fail open). */
  private async count(key: string, now: number): Promise<number | null> {
    if (now < this.skipUntil) return null;
    if (DISCONNECTED.has(this.queue.client.status)) return this.failOpen(now, 'Redis is unreachable');
    let timer: NodeJS.Timeout | undefined;
    try {
      const counted = await Promise.race([
        this.queue.client.eval(COUNT_SCRIPT, 1, key, String(WINDOW_MS + 1000)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
        }),
      ]);
      return Number(counted);
    } catch (error) {
      return this.failOpen(now, (error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  private failOpen(now: number, reason: string): null {
    this.skipUntil = now + FAIL_OPEN_MS;
    this.logger.warn(`Rate limit not enforced for ${FAIL_OPEN_MS} ms, Redis unavailable: ${reason}`);
    return null;
  }
}
