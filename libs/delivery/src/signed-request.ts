import { Injectable } from '@nestjs/common';
import { APP_VERSION } from '@hookline/config';
import { Cipher, signedHeaders, webhookHeadersBinding, webhookSecretBinding } from '@hookline/signing';
import { mergeOutboundHeaders } from '@hookline/webhook-rules';
import { DecryptionCache } from './decryption-cache';

export const USER_AGENT = `Hookline/${APP_VERSION}`;

/** What signing a request to an endpoint needs of its row: the encrypted secrets and custom headers, and whose they are. */
export interface EndpointCredentials {
  tenantId: string;
  webhookId: string;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | string | null;
  customHeadersEnc: string | null;
}

/**
 * The headers of every request Hookline sends to an endpoint, deliveries and recovery probes alike: the endpoint's
 * custom headers, then ours (content type, user agent and the Standard Webhooks headers signed over the exact body),
 * which a custom header can never override. Decrypted secrets and header sets are cached by ciphertext.
 */
@Injectable()
export class SignedRequests {
  private readonly plain: DecryptionCache;

  constructor(cipher: Cipher) {
    this.plain = new DecryptionCache(cipher);
  }

  headers(endpoint: EndpointCredentials, messageId: string, body: string, now = Date.now()): Record<string, string> {
    const stored = endpoint.customHeadersEnc;
    const custom = stored ? (JSON.parse(this.plain.decrypt(stored, webhookHeadersBinding(endpoint.tenantId, endpoint.webhookId))) as Record<string, string>) : {};
    const signature = signedHeaders(this.activeSecrets(endpoint, now), messageId, body, now);
    return mergeOutboundHeaders(custom, { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signature });
  }

  /** The current secret first; the previous one too while its rotation grace lasts. */
  private activeSecrets(endpoint: EndpointCredentials, now: number): string[] {
    const binding = webhookSecretBinding(endpoint.tenantId, endpoint.webhookId);
    const secrets = [this.plain.decrypt(endpoint.secretEnc, binding)];
    const { previousSecretEnc, previousSecretExpiresAt } = endpoint;
    if (previousSecretEnc && previousSecretExpiresAt && new Date(previousSecretExpiresAt).getTime() > now) secrets.push(this.plain.decrypt(previousSecretEnc, binding));
    return secrets;
  }
}
