import { loadConfig } from '@hookline/config';
import { Cipher, webhookHeadersBinding, webhookSecretBinding } from '@hookline/signing';
import { MigrationInterface, QueryRunner } from 'typeorm';

const BATCH = 500;
const UNBOUND = `secret_enc LIKE 'enc1:%' OR previous_secret_enc LIKE 'enc1:%' OR custom_headers_enc LIKE 'enc1:%'`;

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
 * keys come from the configuration (ENCRYPTION_KEY, ENCRYPTION_KEYS_PREVIOUS), read only when there is something to
 * re-encrypt; rows are rewritten in batches of 500 by id, and a value already bound is left alone, so a run that was
 * cut short resumes where it stopped.
 */
export class BindCiphertextsToRows1796613422255 implements MigrationInterface {
  name = 'BindCiphertextsToRows1796613422255';

  async up(q: QueryRunner): Promise<void> {
    const [{ unbound }] = await q.query(`SELECT count(*)::int AS unbound FROM webhooks WHERE ${UNBOUND}`);
    if (unbound === 0) return;
    const cipher = new Cipher(loadConfig().encryptionKeys);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: Row[] = await q.query(
        `SELECT id, tenant_id, secret_enc, previous_secret_enc, custom_headers_enc FROM webhooks WHERE id > $1 AND (${UNBOUND}) ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) return;
      for (const row of rows) {
        const secret = webhookSecretBinding(row.tenant_id, row.id);
        const bind = (stored: string | null, binding: typeof secret) =>
          stored?.startsWith('enc1:') ? cipher.encrypt(cipher.decryptUnbound(stored), binding) : stored;
        await q.query(`UPDATE webhooks SET secret_enc = $2, previous_secret_enc = $3, custom_headers_enc = $4 WHERE id = $1`, [
          row.id,
          bind(row.secret_enc, secret),
          bind(row.previous_secret_enc, secret),
          bind(row.custom_headers_enc, webhookHeadersBinding(row.tenant_id, row.id)),
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
