import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Who is asking, resolved from the API key by ApiKeyGuard. */
export interface TenantContext {
  tenantId: string;
  apiKeyId: string;
}

export const Tenant = createParamDecorator((_: unknown, context: ExecutionContext): TenantContext => {
  const request = context.switchToHttp().getRequest<{ tenant?: TenantContext }>();
  if (!request.tenant) throw new Error('Tenant() used on a route without ApiKeyGuard');
  return request.tenant;
});
