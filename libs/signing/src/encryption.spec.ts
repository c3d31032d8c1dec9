import { randomBytes } from 'node:crypto';
import { Cipher } from './encryption';
import { generateApiKey, hashApiKey } from './api-keys';

describe('Cipher (AES-256-GCM at rest)', () => {
  const current = { id: 'k2', key: randomBytes(32) };
  const previous = { id: 'k1', key: randomBytes(32) };

  it('round-trips and never stores the plaintext', () => {
    const cipher = new Cipher([current]);
    const stored = cipher.encrypt('Bearer super-secret');
    expect(stored).not.toContain('super-secret');
    expect(stored.startsWith('enc1:k2:')).toBe(true);
    expect(cipher.decrypt(stored)).toBe('Bearer super-secret');
  });

  it('uses a fresh nonce for every value', () => {
    const cipher = new Cipher([current]);
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('detects tampering with the ciphertext, the tag or the key id', () => {
    const cipher = new Cipher([current, { id: 'k3', key: randomBytes(32) }]);
    const stored = cipher.encrypt('value');
    const parts = stored.split(':');
    const flipped = Buffer.from(parts[4], 'base64');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([...parts.slice(0, 4), flipped.toString('base64')].join(':'))).toThrow();
    expect(() => cipher.decrypt([parts[0], parts[1], parts[2], Buffer.alloc(16).toString('base64'), parts[4]].join(':'))).toThrow();
    expect(() => cipher.decrypt(['enc1', 'k3', ...parts.slice(2)].join(':'))).toThrow();
    expect(() => cipher.decrypt('plain text')).toThrow(/Not an encrypted value/);
  });

  it('decrypts values written under a previous key after rotation', () => {
    const old = new Cipher([previous]).encryptJson({ authorization: 'Bearer x' });
    const rotated = new Cipher([current, previous]);
    expect(rotated.decryptJson(old)).toEqual({ authorization: 'Bearer x' });
    expect(() => new Cipher([current]).decrypt(old)).toThrow(/No encryption key with id k1/);
  });
});

describe('API keys', () => {
  it('are random, carry their prefix and are stored only as a hash', () => {
    const key = generateApiKey();
    expect(key.plaintext.startsWith(`hk_${key.prefix}_`)).toBe(true);
    expect(key.hash).toBe(hashApiKey(key.plaintext));
    expect(key.hash).not.toContain(key.plaintext);
    expect(generateApiKey().plaintext).not.toBe(key.plaintext);
  });
});
