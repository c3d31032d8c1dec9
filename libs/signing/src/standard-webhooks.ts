import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks allows 24–64). */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/**
 * The `webhook-signature` header value for the exact bytes sent: one `v1,<base64 HMAC-SHA256>` per active secret,
 * space-separated, so a receiver holding either secret of a rotation accepts the message.
 */
export function signPayload(secrets: string[], messageId: string, timestampSeconds: number, body: string | Buffer): string {
  return secrets
    .map((secret) => {
      const hmac = createHmac('sha256', secretKey(secret));
      hmac.update(`${messageId}.${timestampSeconds}.`);
      hmac.update(body);
      return `v1,${hmac.digest('base64')}`;
    })
    .join(' ');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(secrets: string[], messageId: string, body: string | Buffer, now = Date.now()): SignedHeaders {
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signPayload(secrets, messageId, timestamp, body),
  };
}
