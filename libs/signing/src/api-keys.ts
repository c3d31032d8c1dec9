import { hash, randomBytes } from 'node:crypto';

export interface NewApiKey {
  /** Shown once to the tenant, never stored. */
  plaintext: string;
  /** Stored, shown in listings to tell keys apart. */
  prefix: string;
  /** Stored: SHA-256 of the whole key. Keys carry 256 bits of entropy, so a fast hash is enough. */
  hash: string;
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString('hex');
  const plaintext = `hk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { plaintext, prefix, hash: hashApiKey(plaintext) };
}

/** Every tenant request hashes its key: the one-shot `crypto.hash` skips building a Hash object each time. */
export function hashApiKey(plaintext: string): string {
  return hash('sha256', plaintext, 'hex');
}
