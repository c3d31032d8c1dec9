import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface CipherKey {
  id: string;
  key: Buffer;
}

/** What a stored secret belongs to: a value copied into another tenant's row, another row or another field fails. */
export interface CipherBinding {
  tenantId: string;
  /** The row's id (a webhook's). */
  rowId: string;
  /** The current and the previous signing secret share one, since a rotation moves the value between columns. */
  field: 'signing_secret' | 'custom_headers';
}

/** Bound to tenant, row and field through the AEAD's additional data. */
const VERSION = 'enc2';
/** Bound to the key only; read by the migration that re-encrypts them (BindCiphertextsToRows) and nowhere else. */
const UNBOUND_VERSION = 'enc1';

/**
 * AES-256-GCM with a random 96-bit nonce per value. The stored form names the key id so keys can rotate:
 * `enc2:<key id>:<nonce b64>:<tag b64>:<ciphertext b64>`. The additional authenticated data names the tenant, the
 * row and the field, so a ciphertext is only ever readable where it was written: copying tenant A's encrypted secret
 * into tenant B's row no longer makes B sign with A's secret, it makes decryption fail.
 */
export class Cipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: CipherKey[]) {
    if (keys.length === 0) throw new Error('Cipher needs at least one key');
    for (const { key } of keys) if (key.length !== 32) throw new Error('Cipher keys must be 32 bytes');
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  encrypt(plaintext: string, binding: CipherBinding): string {
    const { id, key } = this.keys[0];
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(additionalData(VERSION, id, binding));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, id, nonce.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** Throws when the value was tampered with, moved from another row or field, or its key is unknown; never returns garbage. */
  decrypt(stored: string, binding: CipherBinding): string {
    const parts = stored.split(':');
    if (parts.length === 5 && parts[0] === UNBOUND_VERSION) throw new Error('Encrypted value is not bound to its row: run the migrations');
    return this.open(parts, VERSION, binding);
  }

  encryptJson(value: unknown, binding: CipherBinding): string {
    return this.encrypt(JSON.stringify(value), binding);
  }

  decryptJson<T>(stored: string, binding: CipherBinding): T {
    return JSON.parse(this.decrypt(stored, binding)) as T;
  }

  /** A value written before ciphertexts were bound to their rows: only the migration that binds them reads these. */
  decryptUnbound(stored: string): string {
    return this.open(stored.split(':'), UNBOUND_VERSION, null);
  }

  private open(parts: string[], version: string, binding: CipherBinding | null): string {
    if (parts.length !== 5 || parts[0] !== version) throw new Error('Not an encrypted value');
    const [, id, nonce, tag, ciphertext] = parts;
    const key = this.byId.get(id);
    if (!key) throw new Error(`No encryption key with id ${id} is configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
    decipher.setAAD(binding ? additionalData(version, id, binding) : Buffer.from(`${version}:${id}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}

function additionalData(version: string, keyId: string, binding: CipherBinding): Buffer {
  // Ids are UUIDs and the field a fixed word: no part can contain the separator.
  return Buffer.from(`${version}:${keyId}:${binding.tenantId}:${binding.rowId}:${binding.field}`);
}

/** The bindings of a webhook's encrypted columns. */
export function webhookSecretBinding(tenantId: string, webhookId: string): CipherBinding {
  return { tenantId, rowId: webhookId, field: 'signing_secret' };
}

export function webhookHeadersBinding(tenantId: string, webhookId: string): CipherBinding {
  return { tenantId, rowId: webhookId, field: 'custom_headers' };
}
