/** Every tenant-owned query goes through this: a missing tenant id is a programming error, never "all tenants". */
export function requireTenant(tenantId: string): string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new Error('A tenant-owned query was attempted without a tenant id');
  }
  return tenantId;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids arrive from URLs: a malformed one can match nothing, so answer "not found" without asking PostgreSQL. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
