import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface CipherKey {
  id: string;
  key: Buffer;
}

const VERSION = 'enc1';

/**
 * AES-256-GCM with a random 96-bit nonce per value. The stored form names the key id so keys can rotate:
 * `enc1:<key id>:<nonce b64>:<tag b64>:<ciphertext b64>`.
 */
export class Cipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: CipherKey[]) {
    if (keys.length === 0) throw new Error('Cipher needs at least one key');
    for (const { key } of keys) if (key.length !== 32) throw new Error('Cipher keys must be 32 bytes');
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  encrypt(plaintext: string): string {
    const { id, key } = this.keys[0];
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(`${VERSION}:${id}`));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, id, nonce.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** Throws when the value was tampered with or its key is unknown; never returns garbage. */
  decrypt(stored: string): string {
    const parts = stored.split(':');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('Not an encrypted value');
    const [version, id, nonce, tag, ciphertext] = parts;
    const key = this.byId.get(id);
    if (!key) throw new Error(`No encryption key with id ${id} is configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
    decipher.setAAD(Buffer.from(`${version}:${id}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T>(stored: string): T {
    return JSON.parse(this.decrypt(stored)) as T;
  }
}
