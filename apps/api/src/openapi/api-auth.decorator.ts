import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { ApiErrors } from './api-errors.decorator';

/** Security scheme names, declared in openapi.document.ts. */
export const API_KEY_BEARER = 'api-key';
export const API_KEY_HEADER = 'x-api-key';
export const ADMIN_BEARER = 'admin-token';
export const BULL_BOARD_BASIC = 'bull-board';

/**
 * Tenant routes (ApiKeyGuard): the API key as a bearer token or in X-API-Key, either one. Every such route can answer
 * 401 (key), 429 (the tenant's rate limit) and 503 (the key lookup needs the database).
 */
export const ApiTenantAuth = (): ClassDecorator =>
  applyDecorators(ApiBearerAuth(API_KEY_BEARER), ApiSecurity(API_KEY_HEADER), ApiErrors(401, 429, 503));

/** Operator routes (AdminTokenGuard): `Authorization: Bearer $ADMIN_TOKEN`. */
export const ApiAdminAuth = (): ClassDecorator =>
  applyDecorators(
    ApiBearerAuth(ADMIN_BEARER),
    ApiErrors(
      [401, 'Missing or wrong ADMIN_TOKEN, or ADMIN_TOKEN is not set (the admin API is closed)'],
      [429, 'too_many_failed_logins: too many wrong credentials from this address; wait `Retry-After` seconds'],
      503,
    ),
  );
