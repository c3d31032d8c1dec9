import { Webhook } from 'standardwebhooks';
import { generateSecret, signedHeaders, signPayload } from './standard-webhooks';

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ id: 'evt', type: 'file.uploaded', data: { size: 3 } });

  it('produces signatures the public standardwebhooks library verifies', () => {
    const secret = generateSecret();
    const headers = signedHeaders([secret], 'msg_1', body);
    const verified = new Webhook(secret).verify(body, { ...headers });
    expect(verified).toEqual(JSON.parse(body));
  });

  it('makes secrets of the standard form', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('signs with every active secret so either verifies during a rotation', () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    const headers = signedHeaders([newSecret, oldSecret], 'msg_2', body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow();
  });

  it('signs the exact bytes: any change to the body fails verification', () => {
    const secret = generateSecret();
    const headers = signedHeaders([secret], 'msg_3', body);
    expect(() => new Webhook(secret).verify(body.replace('3', '4'), { ...headers })).toThrow();
  });

  it('is deterministic for the same id, timestamp and body', () => {
    const secret = generateSecret();
    expect(signPayload([secret], 'm', 1700000000, body)).toBe(signPayload([secret], 'm', 1700000000, Buffer.from(body)));
  });
});
