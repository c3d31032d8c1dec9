import { Cipher, CipherBinding } from '@hookline/signing';

/**
 * Decrypted webhook secrets and custom headers, keyed by the stored ciphertext and the row it is bound to: a rotated
 * secret or an edited header set is a new ciphertext (a fresh nonce each time), so an entry can never outlive the
 * value it came from, and a ciphertext copied into another row is decrypted (and refused) for that row, never answered
 * from the entry of the row it was copied from. Bounded; the least recently used entry goes first. Saves an AES-GCM
 * decryption per attempt on the hot path.
 */
export class DecryptionCache {
  private readonly entries = new Map<string, string>();

  constructor(
    private readonly cipher: Cipher,
    private readonly max = 2000,
  ) {}

  decrypt(stored: string, binding: CipherBinding): string {
    const key = `${binding.tenantId}:${binding.rowId}:${binding.field}:${stored}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const plain = this.cipher.decrypt(stored, binding);
    this.entries.set(key, plain);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return plain;
  }
}
