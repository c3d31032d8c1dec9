import { ApiKey } from '@hookline/db';

/** Never the hash; the plaintext `key` only in the answer that created it. */
export interface ApiKeyView {
  id: string;
  name: string | null;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  key?: string;
}

export function toApiKeyView(key: ApiKey, plaintext?: string): ApiKeyView {
  const view: ApiKeyView = {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
  if (plaintext !== undefined) view.key = plaintext;
  return view;
}
