import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ActiveKey, ApiKeysRepository } from '@hookline/db';
import { hashApiKey } from '@hookline/signing';
import type { Request, Response } from 'express';
import { InvalidationBus } from '../cache/invalidation-bus';
import { ApiError } from './api-error';
import { ExpiringCache } from '../cache/expiring-cache';
import { apiKeyPrefix, FailedLoginThrottle } from './failed-login.throttle';
import { RateLimiter } from './rate-limiter';
import { TenantContext } from './tenant';

/** `last_used_at` moves at most once a minute (ApiKeysRepository.touch); this process does not even ask more often. */
const TOUCH_EVERY_MS = 60_000;
const MAX_TOUCHED = 10_000;
/**
 * How long this process trusts a key it looked up. A revocation drops the key at once in every API process
 * (InvalidationBus); this bounds it only when that message was missed (Redis unreachable at the time).
 */
export const API_KEY_CACHE_TTL_MS = 5000;
const MAX_CACHED_KEYS = 10_000;

/**
 * Resolves the tenant from `Authorization: Bearer <key>` or `X-API-Key: <key>` on every tenant route, then counts the
 * request against the tenant's rate limit (429 past it). A key that must be looked up is first checked against the
 * failed-login throttle (FailedLoginThrottle: per address, per key prefix), which answers 429 without the lookup once
 * it is past its limit; a key that is not found counts as a failure there. A key this process holds as valid skips
 * the throttle: it costs no lookup, and no guess can be in the cache. No key at all, or a header that holds none, is
 * a plain 401 and no failure: there is nothing to guess with it and nothing to look up.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  /** Key id → when this process last sent its touch. */
  private readonly touched = new Map<string, number>();
  /** Key hash → the active key it belongs to. Absences are never kept: an unknown key is looked up every time. */
  private readonly keys = new ExpiringCache<string, ActiveKey>(API_KEY_CACHE_TTL_MS, MAX_CACHED_KEYS);

  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly rateLimiter: RateLimiter,
    private readonly throttle: FailedLoginThrottle,
    invalidations: InvalidationBus,
  ) {
    invalidations.follow(this.keys, 'api-key', (key, revoked) => key.id === revoked.keyId);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { tenant?: TenantContext }>();
    const presented = presentedKey(request);
    if (!presented) throw ApiError.unauthorized('An API key is required: Authorization: Bearer <api_key>');
    const hash = hashApiKey(presented);
    const key = await this.keys.getOrLoad(hash, () => this.lookUp(request, presented, hash));
    if (!key) throw ApiError.unauthorized('Invalid or revoked API key');
    request.tenant = { tenantId: key.tenantId, apiKeyId: key.id };
    this.touch(key.id);
    await this.rateLimiter.enforce(key.tenantId, context.switchToHttp().getResponse<Response>());
    return true;
  }

  /** The database lookup, behind the failed-login throttle: 429 without it when throttled; a miss counts as a failure. */
  private async lookUp(request: Request, presented: string, hash: string): Promise<ActiveKey | null> {
    const attempt = await this.throttle.check(request, apiKeyPrefix(presented));
    if (attempt.throttled) throw this.throttle.tooMany(attempt);
    const key = await this.apiKeys.findActiveByHash(hash);
    if (!key) await this.throttle.fail(attempt);
    return key;
  }

  /** A write per minute per key is all `last_used_at` needs; skipping the rest saves a round trip per request. */
  private touch(keyId: string): void {
    const now = Date.now();
    if (now - (this.touched.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
    if (this.touched.size >= MAX_TOUCHED) this.touched.clear();
    this.touched.set(keyId, now);
    void this.apiKeys.touch(keyId).catch(() => undefined);
  }
}

function presentedKey(request: Request): string | null {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : null;
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.length > 0 ? header.trim() : null;
}
