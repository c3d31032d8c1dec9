import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiKeysRepository } from '@hookline/db';
import { hashApiKey } from '@hookline/signing';
import type { Request } from 'express';
import { ApiError } from './api-error';
import { TenantContext } from './tenant';

/** `last_used_at` moves at most once a minute (ApiKeysRepository.touch); this process does not even ask more often. */
const TOUCH_EVERY_MS = 60_000;
const MAX_TOUCHED = 10_000;

/** Resolves the tenant from `Authorization: Bearer <key>` or `X-API-Key: <key>` on every tenant route. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  /** Key id → when this process last sent its touch. */
  private readonly touched = new Map<string, number>();

  constructor(private readonly apiKeys: ApiKeysRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { tenant?: TenantContext }>();
    const presented = presentedKey(request);
    if (!presented) throw ApiError.unauthorized('An API key is required: Authorization: Bearer <api_key>');
    const key = await this.apiKeys.findActiveByHash(hashApiKey(presented));
    if (!key) throw ApiError.unauthorized('Invalid or revoked API key');
    request.tenant = { tenantId: key.tenantId, apiKeyId: key.id };
    this.touch(key.id);
    return true;
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
