import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from './api-error';

/** Operator routes: `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. Closed when no token is set. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!this.config.adminToken) throw ApiError.unauthorized('The admin API is closed: set ADMIN_TOKEN to open it');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match || !sameSecret(match[1], this.config.adminToken)) throw ApiError.unauthorized('Invalid admin token');
    return true;
  }
}

export function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
