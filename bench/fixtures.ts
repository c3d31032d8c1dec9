import { DELIVER_JOB, DeliveryJobPayload, deliveryJobOptions, maxAttempts } from '@hookline/queue';
import { Cipher, webhookSecretBinding } from '@hookline/signing';
import { randomUUID } from 'node:crypto';
import { EVENT_TYPE_KEY, eventData } from './payload';
import { ADMIN_TOKEN, Stack } from './stack';

export interface BenchTenant {
  id: string;
  apiKey: string;
  eventTypeId: string;
}

export interface BenchWebhook {
  id: string;
  secret: string;
}

const SQL_CHUNK = 10_000;
const BULK_CHUNK = 1000;

async function api<T>(stack: Stack, method: string, path: string, token: string, body: unknown): Promise<{ status: number; data: T }> {
  const response = await fetch(stack.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: { data?: T } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // reported below with the status
  }
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return { status: response.status, data: parsed.data as T };
}

/** A tenant through the admin API, with the `bench.ping` event type every bench event uses. */
export async function createTenant(stack: Stack, name: string): Promise<BenchTenant> {
  const { data } = await api<{ tenant_id: string; api_key: string }>(stack, 'POST', '/admin/tenants', ADMIN_TOKEN, { name });
  // Written directly so the bench does not depend on the event-type endpoints; the publish path reads it like any other.
  const [row] = (
    await stack.db.query<{ id: string }>(`INSERT INTO event_types (tenant_id, key, name, description) VALUES ($1, $2, $3, $4) RETURNING id`, [
      data.tenant_id,
      EVENT_TYPE_KEY,
      'bench ping',
      'Published by npm run bench',
    ])
  ).rows;
  return { id: data.tenant_id, apiKey: data.api_key, eventTypeId: row.id };
}

/** Registered through the API, so its secret is generated and encrypted exactly as in production. */
export async function registerWebhook(stack: Stack, tenant: BenchTenant, url: string): Promise<BenchWebhook> {
  const { data } = await api<{ id: string; secret: string }>(stack, 'POST', '/webhook/register', tenant.apiKey, {
    event_type_id: tenant.eventTypeId,
    user_id: 1,
    url,
  });
  return { id: data.id, secret: data.secret };
}

/**
 * `count` more webhooks like `webhook` (same URL, type and secret), for fan-out. Each gets the secret encrypted for its
 * own row, as the API would write it: a ciphertext copied from another row does not decrypt.
 */
export async function cloneWebhooks(stack: Stack, tenant: BenchTenant, webhook: BenchWebhook, count: number): Promise<void> {
  const cipher = new Cipher(stack.config.encryptionKeys);
  const ids = Array.from({ length: count }, () => randomUUID());
  const secrets = ids.map((id) => cipher.encrypt(webhook.secret, webhookSecretBinding(tenant.id, id)));
  await stack.db.query(
    `INSERT INTO webhooks (id, tenant_id, event_type_id, user_id, url, secret_enc)
     SELECT c.id, w.tenant_id, w.event_type_id, w.user_id, w.url, c.secret_enc
       FROM webhooks w CROSS JOIN unnest($3::uuid[], $4::text[]) AS c(id, secret_enc)
      WHERE w.tenant_id = $1 AND w.id = $2`,
    [tenant.id, webhook.id, ids, secrets],
  );
}

/**
 * `count` events with one delivery each to `webhook`, written in bulk (INSERT ... SELECT generate_series) and queued
 * with addBulk under the same job name, options and job id as the API uses. Meant for a stopped worker: the backlog
 * is complete before the first job runs.
 */
export async function createBacklog(stack: Stack, tenant: BenchTenant, webhook: BenchWebhook, count: number): Promise<void> {
  const attempts = maxAttempts(stack.config.retrySchedule);
  const pad = eventData(0).pad;
  for (let from = 1; from <= count; from += SQL_CHUNK) {
    const to = Math.min(count, from + SQL_CHUNK - 1);
    const { rows } = await stack.db.query<{ id: string }>(
      `WITH ev AS (
         INSERT INTO events (tenant_id, event_type_id, data)
         SELECT $1, $2, jsonb_build_object('seq', g, 'pad', $3::text) FROM generate_series($4::int, $5::int) AS g
         RETURNING id)
       INSERT INTO deliveries (tenant_id, event_id, webhook_id, status) SELECT $1, ev.id, $6, 'queued' FROM ev RETURNING id`,
      [tenant.id, tenant.eventTypeId, pad, from, to, webhook.id],
    );
    for (let i = 0; i < rows.length; i += BULK_CHUNK) {
      await stack.queue.addBulk(
        rows.slice(i, i + BULK_CHUNK).map(({ id }) => {
          const data: DeliveryJobPayload = { deliveryId: id, tenantId: tenant.id };
          return { name: DELIVER_JOB, data, opts: deliveryJobOptions(id, attempts) };
        }),
      );
    }
  }
  // A bulk load, so its statistics now, as PostgreSQL's documentation advises after one (autovacuum would within a
  // minute): a live install's tables carry statistics, and the worker's generic plans wait for them (prepared-statement.ts).
  await stack.db.query('ANALYZE events, deliveries');
}
