import { generateSecret, signedHeaders } from '@hookline/signing';
import { checkSignature, isUsableSecret } from './signature';

describe('checkSignature', () => {
  const secret = generateSecret();
  const body = Buffer.from('{"id":"evt_1","type":"file.uploaded"}');
  const sign = (secrets: string[], id: string, bytes: Buffer, now?: number): Record<string, string> => ({ ...signedHeaders(secrets, id, bytes, now) });
  const headers = (): Record<string, string> => sign([secret], 'msg_1', body);

  it('accepts what Hookline signs', () => {
    expect(checkSignature(secret, headers(), body)).toEqual({ verdict: 'valid', reason: null });
  });

  it('accepts a rotation header carrying the right signature second', () => {
    const both = sign([generateSecret(), secret], 'msg_1', body);
    expect(checkSignature(secret, both, body).verdict).toBe('valid');
  });

  it('flags a changed body, another secret and a stale timestamp as invalid, with the reason', () => {
    expect(checkSignature(secret, headers(), Buffer.from('{"id":"evt_2"}'))).toEqual({ verdict: 'invalid', reason: 'No matching signature found' });
    expect(checkSignature(generateSecret(), headers(), body).verdict).toBe('invalid');
    const stale = sign([secret], 'msg_1', body, Date.now() - 60 * 60 * 1000);
    expect(checkSignature(secret, stale, body)).toEqual({ verdict: 'invalid', reason: 'Message timestamp too old' });
  });

  it('calls a request without the Standard Webhooks headers missing, naming them', () => {
    expect(checkSignature(secret, {}, body)).toEqual({ verdict: 'missing', reason: 'no webhook-id, webhook-timestamp, webhook-signature header' });
    const { 'webhook-signature': _dropped, ...rest } = headers();
    expect(checkSignature(secret, rest, body)).toEqual({ verdict: 'missing', reason: 'no webhook-signature header' });
  });

  it('does not require the body to be JSON', () => {
    const text = Buffer.from('plain text');
    expect(checkSignature(secret, sign([secret], 'msg_2', text), text).verdict).toBe('valid');
  });
});

describe('isUsableSecret', () => {
  it('takes whsec_ secrets and refuses anything else', () => {
    expect(isUsableSecret(generateSecret())).toBe(true);
    expect(isUsableSecret('whsec_')).toBe(false);
    expect(isUsableSecret('whsec_not base64!')).toBe(false);
    expect(isUsableSecret('c2VjcmV0')).toBe(false);
  });
});
