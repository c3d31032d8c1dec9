import { Cipher } from '@hookline/signing';

/**
 * Decrypted webhook secrets and custom headers, keyed by their stored ciphertext: a rotated secret or edited header
 * set is a new ciphertext (a fresh nonce each time), so an entry can never outlive the value it came from. Bounded;
 * the least recently used entry goes first. Saves an AES-GCM decryption per attempt on the hot path.
 */
export class DecryptionCache {
  private readonly entries = new Map<string, string>();

  constructor(
    private readonly cipher: Cipher,
    private readonly max = 2000,
  ) {}

  decrypt(stored: string): string {
    const cached = this.entries.get(stored);
    if (cached !== undefined) {
      this.entries.delete(stored);
      this.entries.set(stored, cached);
      return cached;
    }
    const plain = this.cipher.decrypt(stored);
    this.entries.set(stored, plain);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return plain;
  }
}
