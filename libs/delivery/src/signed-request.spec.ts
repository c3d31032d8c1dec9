import { Cipher, generateSecret, webhookHeadersBinding, webhookSecretBinding } from '@hookline/signing';
import { Webhook } from 'standardwebhooks';
import { EndpointCredentials, SignedRequests, USER_AGENT } from './signed-request';

const cipher = new Cipher([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
const requests = new SignedRequests(cipher);
const body = '{"id":"e1","type":"order.created","timestamp":"2026-01-01T00:00:00.000Z","data":{}}';

const tenantId = '00000000-0000-4000-8000-00000000000a';
const webhookId = '00000000-0000-4000-8000-0000000000a1';
const secretOf = webhookSecretBinding(tenantId, webhookId);
const headersOf = webhookHeadersBinding(tenantId, webhookId);

function endpoint(overrides: Partial<EndpointCredentials> & { secret: string }): EndpointCredentials {
  const { secret, ...rest } = overrides;
  return { tenantId, webhookId, secretEnc: cipher.encrypt(secret, secretOf), previousSecretEnc: null, previousSecretExpiresAt: null, customHeadersEnc: null, ...rest };
}

describe('SignedRequests', () => {
  it('signs the exact body so the public standardwebhooks library accepts it', () => {
    const secret = generateSecret();
    const headers = requests.headers(endpoint({ secret }), 'msg_1', body);
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': USER_AGENT, 'webhook-id': 'msg_1' });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('signs with the previous secret too while its grace lasts, and not after', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const now = Date.now();
    const rotated = endpoint({ secret: current, previousSecretEnc: cipher.encrypt(previous, secretOf), previousSecretExpiresAt: new Date(now + 60_000) });
    const during = requests.headers(rotated, 'msg_2', body, now);
    expect(during['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(previous).verify(body, during)).not.toThrow();
    const after = requests.headers(rotated, 'msg_2', body, now + 61_000);
    expect(after['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(current).verify(body, { ...after, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) })).toThrow();
  });

  it('sends custom headers (a JSON content type may replace ours), which never replace the signature', () => {
    const secret = generateSecret();
    const custom = { authorization: 'Bearer t', 'content-type': 'application/cloudevents+json', 'x-tenant': 'acme', 'webhook-id': 'forged' };
    const headers = requests.headers(endpoint({ secret, customHeadersEnc: cipher.encrypt(JSON.stringify(custom), headersOf) }), 'msg_3', body);
    expect(headers).toMatchObject({ authorization: 'Bearer t', 'x-tenant': 'acme', 'content-type': 'application/cloudevents+json', 'webhook-id': 'msg_3' });
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
  });

  it("refuses to sign with a secret copied from another tenant's row", () => {
    const copied = endpoint({ secret: generateSecret(), tenantId: '00000000-0000-4000-8000-00000000000b' });
    expect(() => requests.headers(copied, 'msg_4', body)).toThrow();
  });
});
