import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from './api-error';
import { FailedLoginThrottle } from './failed-login.throttle';

/**
 * Operator routes: `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. Closed when no token is set. A
 * presented token is checked against the failed-login throttle first (the same per-address count as API keys and Bull
 * Board): past the limit, 429 without comparing it, right or wrong, so the throttle cannot be used to test guesses.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: FailedLoginThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (!this.config.adminToken) throw ApiError.unauthorized('The admin API is closed: set ADMIN_TOKEN to open it');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    // No token presented: nothing to guess with, nothing to count.
    if (!match) throw ApiError.unauthorized('Invalid admin token');
    const attempt = await this.throttle.check(request);
    if (attempt.throttled) throw this.throttle.tooMany(attempt);
    if (!sameSecret(match[1], this.config.adminToken)) {
      await this.throttle.fail(attempt);
      throw ApiError.unauthorized('Invalid admin token');
    }
    return true;
  }
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
