import { RetentionRepository } from '@hookline/db';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { RetentionJob } from '../../apps/worker/src/retention.job';
import { Platform, Tenant } from '../support/platform';
import { Receiver } from '../support/receiver';

const exists = (path: string) => access(path).then(() => true, () => false);

/** RETENTION_DAYS against backdated rows: what is past the window and finished goes, everything else stays. */
describe('retention: the daily prune', () => {
  let platform: Platform;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await Platform.start({ RETENTION_DAYS: '30' });
    tenant = await platform.createTenant('retention');
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('deletes finished deliveries with their attempts, spent events, uploads and their files, and error logs past the window; keeps open and recent ones', async () => {
    receiver.statuses('/failing', [500, 500, 500]);
    const ok = await platform.registerWebhook(tenant, { url: receiver.url('/ok') });
    const failing = await platform.registerWebhook(tenant, { url: receiver.url('/failing') });
    const old = [];
    for (let i = 0; i < 3; i++) old.push((await platform.upload(tenant, ok.id, `old-${i}`)).body.data);
    const oldFailed = (await platform.upload(tenant, failing.id, 'old-failed')).body.data;
    const openOld = (await platform.upload(tenant, ok.id, 'open-old')).body.data;
    const recent = (await platform.upload(tenant, ok.id, 'recent')).body.data;
    for (const upload of [...old, openOld, recent]) await platform.waitForDelivery(tenant, upload.delivery_id, 'succeeded');
    await platform.waitForDelivery(tenant, oldFailed.delivery_id, 'failed');
    // No worker from here on: the "open" delivery below must stay open while the prune runs.
    await platform.stopWorker();

    const backdated = [...old, oldFailed, openOld];
    const days40 = `now() - interval '40 days'`;
    await platform.db.query(`UPDATE uploads SET created_at = ${days40} WHERE id = ANY($1::uuid[])`, [backdated.map((u) => u.upload_id)]);
    await platform.db.query(`UPDATE events SET created_at = ${days40} WHERE id = ANY($1::uuid[])`, [backdated.map((u) => u.event_id)]);
    await platform.db.query(`UPDATE deliveries SET created_at = ${days40}, completed_at = ${days40} WHERE id = ANY($1::uuid[])`, [
      backdated.map((u) => u.delivery_id),
    ]);
    await platform.db.query(`UPDATE error_logs SET created_at = ${days40} WHERE delivery_id = $1`, [oldFailed.delivery_id]);
    // Old but never finished (a receiver down for weeks, or stuck): it and its event are kept.
    await platform.db.query(`UPDATE deliveries SET status = 'queued', completed_at = NULL WHERE id = $1`, [openOld.delivery_id]);
    // Enough old error logs for several batches of 1000, and one recent one.
    await platform.db.query(
      `INSERT INTO error_logs (tenant_id, message, created_at) SELECT $1, 'old ' || n, ${days40} FROM generate_series(1, 2500) AS n`,
      [tenant.id],
    );
    await platform.db.query(`INSERT INTO error_logs (tenant_id, message) VALUES ($1, 'recent')`, [tenant.id]);
    const keys = await platform.db.query<{ id: string; storage_key: string }>(`SELECT id, storage_key FROM uploads`);
    const fileOf = (uploadId: string) => join(platform.uploadDir, keys.find((row) => row.id === uploadId)!.storage_key);
    for (const upload of [...backdated, recent]) expect(await exists(fileOf(upload.upload_id))).toBe(true);

    const job = new RetentionJob(platform.api.get(RetentionRepository), platform.config);
    const summary = await job.run();

    expect(summary).toEqual({ deliveries: 4, events: 4, uploads: 5, files: 5, errorLogs: 2500 });
    const deliveries = (await platform.db.query<{ id: string }>(`SELECT id FROM deliveries`)).map((row) => row.id).sort();
    expect(deliveries).toEqual([openOld.delivery_id, recent.delivery_id].sort());
    const attemptsLeft = await platform.db.query<{ delivery_id: string }>(`SELECT DISTINCT delivery_id FROM delivery_attempts`);
    expect(attemptsLeft.map((row) => row.delivery_id).sort()).toEqual([openOld.delivery_id, recent.delivery_id].sort());
    const events = (await platform.db.query<{ id: string }>(`SELECT id FROM events`)).map((row) => row.id).sort();
    expect(events).toEqual([openOld.event_id, recent.event_id].sort());
    const uploads = (await platform.db.query<{ id: string }>(`SELECT id FROM uploads`)).map((row) => row.id);
    expect(uploads).toEqual([recent.upload_id]);
    for (const upload of backdated) expect(await exists(fileOf(upload.upload_id))).toBe(false);
    expect(await exists(fileOf(recent.upload_id))).toBe(true);
    const logs = await platform.db.query<{ message: string }>(`SELECT message FROM error_logs`);
    expect(logs).toEqual([{ message: 'recent' }]);

    // A second run finds nothing left to do.
    expect(await job.run()).toEqual({ deliveries: 0, events: 0, uploads: 0, files: 0, errorLogs: 0 });

    // While another replica holds the retention lock, a run steps aside.
    const other = new Client({ connectionString: platform.db.url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('hookline:retention'))`);
      expect(await job.run()).toBeNull();
    } finally {
      await other.end();
    }
  }, 60_000);
});
