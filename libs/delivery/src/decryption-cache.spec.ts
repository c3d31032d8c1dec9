import { Cipher, webhookSecretBinding } from '@hookline/signing';
import { randomBytes } from 'node:crypto';
import { DecryptionCache } from './decryption-cache';

describe('DecryptionCache', () => {
  const cipher = new Cipher([{ id: 'k1', key: randomBytes(32) }]);
  const row = webhookSecretBinding('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000a1');

  it('decrypts once per stored value and answers the plaintext from memory afterwards', () => {
    const decrypt = jest.spyOn(cipher, 'decrypt');
    const cache = new DecryptionCache(cipher);
    const stored = cipher.encrypt('whsec_one', row);
    expect(cache.decrypt(stored, row)).toBe('whsec_one');
    expect(cache.decrypt(stored, row)).toBe('whsec_one');
    expect(decrypt).toHaveBeenCalledTimes(1);
    decrypt.mockRestore();
  });

  it('never serves an old secret for a new value: a rotation is a new ciphertext', () => {
    const cache = new DecryptionCache(cipher);
    expect(cache.decrypt(cipher.encrypt('whsec_old', row), row)).toBe('whsec_old');
    expect(cache.decrypt(cipher.encrypt('whsec_new', row), row)).toBe('whsec_new');
  });

  it('keeps at most `max` entries, dropping the least recently used', () => {
    const decrypt = jest.spyOn(cipher, 'decrypt');
    const cache = new DecryptionCache(cipher, 2);
    const [a, b, c] = ['a', 'b', 'c'].map((plain) => cipher.encrypt(plain, row));
    cache.decrypt(a, row);
    cache.decrypt(b, row);
    cache.decrypt(a, row); // a is now the most recently used
    cache.decrypt(c, row); // evicts b
    decrypt.mockClear();
    expect(cache.decrypt(a, row)).toBe('a');
    expect(decrypt).not.toHaveBeenCalled();
    expect(cache.decrypt(b, row)).toBe('b');
    expect(decrypt).toHaveBeenCalledTimes(1);
    decrypt.mockRestore();
  });

  it('decrypts a ciphertext copied into another row for that row, which refuses it, even once cached for its own', () => {
    const cache = new DecryptionCache(cipher);
    const stored = cipher.encrypt('whsec_a', row);
    expect(cache.decrypt(stored, row)).toBe('whsec_a');
    expect(() => cache.decrypt(stored, webhookSecretBinding(row.tenantId, '00000000-0000-4000-8000-0000000000b2'))).toThrow();
  });

  it('still refuses a tampered value', () => {
    const cache = new DecryptionCache(cipher);
    const stored = cipher.encrypt('whsec_x', row);
    const tampered = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    expect(() => cache.decrypt(tampered, row)).toThrow();
  });
});
