import { Cipher } from '@hookline/signing';
import { randomBytes } from 'node:crypto';
import { DecryptionCache } from './decryption-cache';

describe('DecryptionCache', () => {
  const cipher = new Cipher([{ id: 'k1', key: randomBytes(32) }]);

  it('decrypts once per stored value and answers the plaintext from memory afterwards', () => {
    const decrypt = jest.spyOn(cipher, 'decrypt');
    const cache = new DecryptionCache(cipher);
    const stored = cipher.encrypt('whsec_one');
    expect(cache.decrypt(stored)).toBe('whsec_one');
    expect(cache.decrypt(stored)).toBe('whsec_one');
    expect(decrypt).toHaveBeenCalledTimes(1);
    decrypt.mockRestore();
  });

  it('never serves an old secret for a new value: a rotation is a new ciphertext', () => {
    const cache = new DecryptionCache(cipher);
    expect(cache.decrypt(cipher.encrypt('whsec_old'))).toBe('whsec_old');
    expect(cache.decrypt(cipher.encrypt('whsec_new'))).toBe('whsec_new');
  });

  it('keeps at most `max` entries, dropping the least recently used', () => {
    const decrypt = jest.spyOn(cipher, 'decrypt');
    const cache = new DecryptionCache(cipher, 2);
    const [a, b, c] = ['a', 'b', 'c'].map((plain) => cipher.encrypt(plain));
    cache.decrypt(a);
    cache.decrypt(b);
    cache.decrypt(a); // a is now the most recently used
    cache.decrypt(c); // evicts b
    decrypt.mockClear();
    expect(cache.decrypt(a)).toBe('a');
    expect(decrypt).not.toHaveBeenCalled();
    expect(cache.decrypt(b)).toBe('b');
    expect(decrypt).toHaveBeenCalledTimes(1);
    decrypt.mockRestore();
  });

  it('still refuses a tampered value', () => {
    const cache = new DecryptionCache(cipher);
    const stored = cipher.encrypt('whsec_x');
    const tampered = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    expect(() => cache.decrypt(tampered)).toThrow();
  });
});
