import { Webhook } from 'standardwebhooks';

export type SignatureVerdict = 'valid' | 'invalid' | 'missing';

export interface SignatureCheck {
  verdict: SignatureVerdict;
  /** Why a signature is not valid, in the verifying library's words. */
  reason: string | null;
}

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Verifies a received request the way a receiver using the public `standardwebhooks` library would, over the exact
 * bytes received — so a valid verdict here means the integrator's own verification code will accept it too.
 */
export function checkSignature(secret: string, headers: Record<string, string>, body: Buffer): SignatureCheck {
  const absent = SIGNATURE_HEADERS.filter((name) => !headers[name]);
  if (absent.length > 0) return { verdict: 'missing', reason: `no ${absent.join(', ')} header` };
  try {
    new Webhook(secret).verify(body, {
      'webhook-id': headers['webhook-id'],
      'webhook-timestamp': headers['webhook-timestamp'],
      'webhook-signature': headers['webhook-signature'],
    }, { jsonParse: false });
    return { verdict: 'valid', reason: null };
  } catch (error) {
    return { verdict: 'invalid', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A secret the verifying library can use: `whsec_` + non-empty base64. */
export function isUsableSecret(secret: string): boolean {
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) return false;
  try {
    new Webhook(secret);
    return true;
  } catch {
    return false;
  }
}
