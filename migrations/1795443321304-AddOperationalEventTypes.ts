import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hookline's operational events: system types every tenant can subscribe a webhook to, like `file.uploaded`. */
const SYSTEM_TYPES: Array<[key: string, name: string, description: string]> = [
  ['webhook.disabled', 'webhook disabled', 'Hookline disabled one of your webhooks: too many consecutive failed deliveries, or its endpoint answered 410 Gone'],
  ['webhook.recovered', 'webhook recovered', 'A webhook Hookline had disabled answered its probe and is enabled again; the deliveries it missed are replayed'],
  ['delivery.failing', 'delivery failing', "A delivery's 4th attempt in a row failed; Hookline keeps retrying on its schedule"],
  ['delivery.exhausted', 'delivery exhausted', 'A delivery ended failed: its retries ran out, or its endpoint answered 410 Gone'],
  [
    'webhook.probe',
    'webhook probe',
    'The body of the signed probe Hookline sends to a webhook it disabled, to see whether its endpoint is back; never delivered as an event',
  ],
];

/**
 * The operational event types, and on webhooks who disabled it and when it was last probed. `disabled_by_tenant`
 * tells an explicit `POST /v1/webhooks/{id}/disable` (never probed, never re-enabled by Hookline) from the platform's
 * own disabling (failure threshold, 410 Gone), which auto-recovery probes. Both columns have constant defaults, so
 * adding them rewrites nothing; already disabled webhooks are classified by the reasons the platform writes.
 */
export class AddOperationalEventTypes1795443321304 implements MigrationInterface {
  name = 'AddOperationalEventTypes1795443321304';

  async up(q: QueryRunner): Promise<void> {
    for (const [key, name, description] of SYSTEM_TYPES) {
      await q.query(
        `INSERT INTO event_types (tenant_id, key, name, description) VALUES (NULL, $1, $2, $3)
         ON CONFLICT (key) WHERE tenant_id IS NULL DO NOTHING`,
        [key, name, description],
      );
    }
    await q.query(`ALTER TABLE webhooks ADD COLUMN disabled_by_tenant boolean NOT NULL DEFAULT false, ADD COLUMN last_probe_at timestamptz`);
    await q.query(
      `UPDATE webhooks SET disabled_by_tenant = true
        WHERE status = 'disabled'
          AND disabled_reason IS DISTINCT FROM 'endpoint answered 410 Gone'
          AND COALESCE(disabled_reason, '') NOT LIKE 'failure threshold reached:%'`,
    );
    // The recovery probe's scan: only webhooks the platform disabled, oldest probe (or disable) first.
    await q.query(
      `CREATE INDEX webhooks_recovery_idx ON webhooks ((COALESCE(last_probe_at, disabled_at)))
        WHERE status = 'disabled' AND deleted_at IS NULL AND NOT disabled_by_tenant`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhooks_recovery_idx`);
    await q.query(`ALTER TABLE webhooks DROP COLUMN last_probe_at, DROP COLUMN disabled_by_tenant`);
    await q.query(`DELETE FROM event_types WHERE tenant_id IS NULL AND key = ANY($1::text[])`, [SYSTEM_TYPES.map(([key]) => key)]);
  }
}
