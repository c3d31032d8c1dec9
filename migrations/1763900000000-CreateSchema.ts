import { MigrationInterface, QueryRunner } from 'typeorm';

/** The whole data model of ARCHITECTURE.md, and the system event type `file.uploaded`. */
export class CreateSchema1763900000000 implements MigrationInterface {
  name = 'CreateSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tenants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text,
      prefix text NOT NULL,
      hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at DESC)`);

    await q.query(`CREATE TABLE event_types (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
      key text NOT NULL,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      schema jsonb,
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE UNIQUE INDEX event_types_tenant_key_uq ON event_types (tenant_id, key) WHERE tenant_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX event_types_system_key_uq ON event_types (key) WHERE tenant_id IS NULL`);

    await q.query(`CREATE TABLE webhooks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      event_type_id uuid NOT NULL REFERENCES event_types(id),
      user_id integer NOT NULL CHECK (user_id >= 1),
      url text NOT NULL,
      custom_headers_enc text,
      custom_payload jsonb,
      secret_enc text NOT NULL,
      previous_secret_enc text,
      previous_secret_expires_at timestamptz,
      status text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
      disabled_reason text,
      disabled_at timestamptz,
      consecutive_failures integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    )`);
    await q.query(`CREATE INDEX webhooks_tenant_list_idx ON webhooks (tenant_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX webhooks_fanout_idx ON webhooks (tenant_id, event_type_id, status) WHERE deleted_at IS NULL`);

    await q.query(`CREATE TABLE uploads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      webhook_id uuid NOT NULL REFERENCES webhooks(id),
      filename text NOT NULL,
      content_type text NOT NULL,
      size bigint NOT NULL,
      sha256 text NOT NULL,
      storage_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX uploads_tenant_idx ON uploads (tenant_id, created_at)`);

    await q.query(`CREATE TABLE events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      event_type_id uuid NOT NULL REFERENCES event_types(id),
      data jsonb NOT NULL,
      user_id integer,
      idempotency_key text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE UNIQUE INDEX events_idempotency_uq ON events (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX events_tenant_created_idx ON events (tenant_id, created_at)`);

    await q.query(`CREATE TABLE deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      webhook_id uuid NOT NULL REFERENCES webhooks(id),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'queued', 'succeeded', 'failed')),
      attempt_count integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz DEFAULT now(),
      last_status_code integer,
      last_error text,
      failure_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      UNIQUE (event_id, webhook_id)
    )`);
    await q.query(`CREATE INDEX deliveries_tenant_list_idx ON deliveries (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX deliveries_webhook_idx ON deliveries (webhook_id, status, created_at)`);
    await q.query(`CREATE INDEX deliveries_outbox_idx ON deliveries (next_attempt_at) WHERE status IN ('pending', 'queued')`);

    await q.query(`CREATE TABLE delivery_attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      delivery_id uuid NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      trigger text NOT NULL DEFAULT 'scheduled' CHECK (trigger IN ('scheduled', 'manual')),
      url text NOT NULL,
      status_code integer,
      duration_ms integer NOT NULL,
      error text,
      response_excerpt text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, attempt)`);

    await q.query(`CREATE TABLE error_logs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      webhook_id uuid REFERENCES webhooks(id),
      delivery_id uuid REFERENCES deliveries(id) ON DELETE CASCADE,
      message text NOT NULL,
      detail jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX error_logs_tenant_idx ON error_logs (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX error_logs_delivery_idx ON error_logs (delivery_id)`);

    await q.query(`INSERT INTO event_types (tenant_id, key, name, description)
      VALUES (NULL, 'file.uploaded', 'upload file', 'Event type for file upload operations')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['error_logs', 'delivery_attempts', 'deliveries', 'events', 'uploads', 'webhooks', 'event_types', 'api_keys', 'tenants']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
