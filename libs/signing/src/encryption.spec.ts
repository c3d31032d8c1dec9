import { createCipheriv, randomBytes } from 'node:crypto';
import { Cipher, webhookHeadersBinding, webhookSecretBinding } from './encryption';
import { generateApiKey, hashApiKey } from './api-keys';

describe('Cipher (AES-256-GCM at rest)', () => {
  const current = { id: 'k2', key: randomBytes(32) };
  const previous = { id: 'k1', key: randomBytes(32) };
  const A = webhookSecretBinding('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000a1');

  it('round-trips and never stores the plaintext', () => {
    const cipher = new Cipher([current]);
    const stored = cipher.encrypt('Bearer super-secret', A);
    expect(stored).not.toContain('super-secret');
    expect(stored.startsWith('enc2:k2:')).toBe(true);
    expect(cipher.decrypt(stored, A)).toBe('Bearer super-secret');
  });

  it('uses a fresh nonce for every value', () => {
    const cipher = new Cipher([current]);
    expect(cipher.encrypt('same', A)).not.toBe(cipher.encrypt('same', A));
  });

  it('detects tampering with the ciphertext, the tag or the key id', () => {
    const cipher = new Cipher([current, { id: 'k3', key: randomBytes(32) }]);
    const stored = cipher.encrypt('value', A);
    const parts = stored.split(':');
    const flipped = Buffer.from(parts[4], 'base64');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([...parts.slice(0, 4), flipped.toString('base64')].join(':'), A)).toThrow();
    expect(() => cipher.decrypt([parts[0], parts[1], parts[2], Buffer.alloc(16).toString('base64'), parts[4]].join(':'), A)).toThrow();
    expect(() => cipher.decrypt(['enc2', 'k3', ...parts.slice(2)].join(':'), A)).toThrow();
    expect(() => cipher.decrypt('plain text', A)).toThrow(/Not an encrypted value/);
  });

  it("refuses a value copied into another tenant's row, another row of the same tenant, or another field", () => {
    const cipher = new Cipher([current]);
    const stored = cipher.encrypt('whsec_a', A);
    expect(() => cipher.decrypt(stored, webhookSecretBinding('00000000-0000-4000-8000-00000000000b', A.rowId))).toThrow();
    expect(() => cipher.decrypt(stored, webhookSecretBinding(A.tenantId, '00000000-0000-4000-8000-0000000000a2'))).toThrow();
    expect(() => cipher.decrypt(stored, webhookHeadersBinding(A.tenantId, A.rowId))).toThrow();
    expect(cipher.decrypt(stored, A)).toBe('whsec_a');
  });

  it('decrypts values written under a previous key after rotation', () => {
    const old = new Cipher([previous]).encryptJson({ authorization: 'Bearer x' }, A);
    const rotated = new Cipher([current, previous]);
    expect(rotated.decryptJson(old, A)).toEqual({ authorization: 'Bearer x' });
    expect(() => new Cipher([current]).decrypt(old, A)).toThrow(/No encryption key with id k1/);
  });

  it('reads a value from before the binding only through decryptUnbound (the migration), never as a bound one', () => {
    const nonce = randomBytes(12);
    const legacy = createCipheriv('aes-256-gcm', current.key, nonce);
    legacy.setAAD(Buffer.from('enc1:k2'));
    const body = Buffer.concat([legacy.update('whsec_old', 'utf8'), legacy.final()]);
    const stored = ['enc1', 'k2', nonce.toString('base64'), legacy.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    const cipher = new Cipher([current]);
    expect(cipher.decryptUnbound(stored)).toBe('whsec_old');
    expect(() => cipher.decrypt(stored, A)).toThrow(/not bound to its row/);
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
