import { MigrationInterface, QueryRunner } from 'typeorm';

const BATCH = 500;
const UNBOUND = `secret_enc LIKE 'enc1:%' OR previous_secret_enc LIKE 'enc1:%' OR custom_headers_enc LIKE 'enc1:%'`;

/** What runMigrations (libs/db/src/migrate.ts) hands migrations on their data source; see MigrationContext there. */
interface Binding {
  tenantId: string;
  rowId: string;
  field: 'signing_secret' | 'custom_headers';
}
interface Context {
  rebind(stored: string, binding: Binding): string;
}

interface Row {
  id: string;
  tenant_id: string;
  secret_enc: string;
  previous_secret_enc: string | null;
  custom_headers_enc: string | null;
}

/**
 * Re-encrypts every webhook secret and custom header set so its ciphertext is bound to the tenant, the row and the
 * field (enc1 → enc2, see libs/signing/src/encryption.ts): copied into another row, a value no longer decrypts. The
 * keys are the configuration's (ENCRYPTION_KEY, ENCRYPTION_KEYS_PREVIOUS), handed over by runMigrations, needed only
 * when there is something to re-encrypt; rows are rewritten in batches of 500 by id, and a value already bound is
 * left alone.
 */
export class BindCiphertextsToRows1796613422255 implements MigrationInterface {
  name = 'BindCiphertextsToRows1796613422255';

  async up(q: QueryRunner): Promise<void> {
    const [{ unbound }] = await q.query(`SELECT count(*)::int AS unbound FROM webhooks WHERE ${UNBOUND}`);
    if (unbound === 0) return;
    const context = (q.connection as unknown as { migrationContext?: Context }).migrationContext;
    if (!context) throw new Error(`${unbound} webhooks hold secrets to re-encrypt: run the migrations with the encryption keys (npm run migration:run)`);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: Row[] = await q.query(
        `SELECT id, tenant_id, secret_enc, previous_secret_enc, custom_headers_enc FROM webhooks WHERE id > $1 AND (${UNBOUND}) ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) return;
      for (const row of rows) {
        const secret: Binding = { tenantId: row.tenant_id, rowId: row.id, field: 'signing_secret' };
        const headers: Binding = { tenantId: row.tenant_id, rowId: row.id, field: 'custom_headers' };
        const bind = (stored: string | null, binding: Binding) => (stored?.startsWith('enc1:') ? context.rebind(stored, binding) : stored);
        await q.query(`UPDATE webhooks SET secret_enc = $2, previous_secret_enc = $3, custom_headers_enc = $4 WHERE id = $1`, [
          row.id,
          bind(row.secret_enc, secret),
          bind(row.previous_secret_enc, secret),
          bind(row.custom_headers_enc, headers),
        ]);
      }
      after = rows[rows.length - 1].id;
    }
  }

  async down(): Promise<void> {
    // Unbinding would hand back the very weakness this fixes; restore a backup taken before it instead.
    throw new Error('BindCiphertextsToRows cannot be reverted: the code before it cannot read bound ciphertexts');
  }
}
