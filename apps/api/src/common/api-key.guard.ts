import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiKeysRepository } from '@hookline/db';
import { hashApiKey } from '@hookline/signing';
import type { Request } from 'express';
import { ApiError } from './api-error';
import { TenantContext } from './tenant';

/** Resolves the tenant from `Authorization: Bearer <key>` or `X-API-Key: <key>` on every tenant route. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly apiKeys: ApiKeysRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { tenant?: TenantContext }>();
    const presented = presentedKey(request);
    if (!presented) throw ApiError.unauthorized('An API key is required: Authorization: Bearer <api_key>');
    const key = await this.apiKeys.findActiveByHash(hashApiKey(presented));
    if (!key) throw ApiError.unauthorized('Invalid or revoked API key');
    request.tenant = { tenantId: key.tenantId, apiKeyId: key.id };
    void this.apiKeys.touch(key.id).catch(() => undefined);
    return true;
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
