import { Webhook } from '@hookline/db';
import { maskHeaders } from '@hookline/webhook-rules';
import { Cipher, webhookHeadersBinding } from '@hookline/signing';

export interface WebhookView {
  id: string;
  event_type_id: string;
  user_id: number;
  url: string;
  custom_headers: Record<string, string>;
  custom_payload: Record<string, unknown> | null;
  status: string;
  disabled_reason: string | null;
  disabled_at: string | null;
  consecutive_failures: number;
  created_at: string;
  updated_at: string;
  secret?: string;
}

/** Credential-bearing header values are masked in every answer but the one that created them. */
export function toWebhookView(webhook: Webhook, cipher: Cipher, reveal?: { secret: string; headers: Record<string, string> }): WebhookView {
  const stored = webhook.customHeadersEnc;
  const headers = reveal?.headers ?? (stored ? maskHeaders(cipher.decryptJson<Record<string, string>>(stored, webhookHeadersBinding(webhook.tenantId, webhook.id))) : {});
  const view: WebhookView = {
    id: webhook.id,
    event_type_id: webhook.eventTypeId,
    user_id: webhook.userId,
    url: webhook.url,
    custom_headers: headers,
    custom_payload: webhook.customPayload,
    status: webhook.status,
    disabled_reason: webhook.disabledReason,
    disabled_at: webhook.disabledAt?.toISOString() ?? null,
    consecutive_failures: webhook.consecutiveFailures,
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
  };
  if (reveal) view.secret = reveal.secret;
  return view;
}
