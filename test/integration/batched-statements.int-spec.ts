import { AttemptBatchRepository, AttemptRecord, createDataSource, OutboxRepository } from '@hookline/db';
import { AttemptStore } from '@hookline/delivery';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * The group-committed statements of the hot paths, against PostgreSQL with the real migrations: each caller's rows
 * are its own, the attempt journal's mark keeps its meaning, and one bad item never fails the items it shared a batch
 * with.
 */
describe('batched statements', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let batches: AttemptBatchRepository;
  let tenantId: string;
  let eventTypeId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource({ databaseUrl: db.url, poolSize: 4 }).initialize();
    batches = new AttemptBatchRepository(dataSource);
    [{ id: tenantId }] = await db.query<{ id: string }>(`INSERT INTO tenants (name) VALUES ('batched') RETURNING id`);
    [{ id: eventTypeId }] = await db.query<{ id: string }>(`INSERT INTO event_types (tenant_id, key, name) VALUES ($1, 'batch.test', 'x') RETURNING id`, [tenantId]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  async function webhook(fields: { status?: string; deleted?: boolean; failures?: number } = {}): Promise<string> {
    const [{ id }] = await db.query<{ id: string }>(
      `INSERT INTO webhooks (tenant_id, event_type_id, user_id, url, secret_enc, status, deleted_at, consecutive_failures)
       VALUES ($1, $2, 1, 'http://127.0.0.1:9/hook', 'enc1:x:y:z:w', $3, CASE WHEN $4::boolean THEN now() END, $5) RETURNING id`,
      [tenantId, eventTypeId, fields.status ?? 'enabled', fields.deleted ?? false, fields.failures ?? 0],
    );
    return id;
  }

  async function delivery(webhookId: string, fields: { status?: string; attemptCount?: number; startedAttempt?: number } = {}): Promise<string> {
    const [{ id: eventId }] = await db.query<{ id: string }>(`INSERT INTO events (tenant_id, event_type_id, data) VALUES ($1, $2, '{"n":1}') RETURNING id`, [
      tenantId,
      eventTypeId,
    ]);
    const [{ id }] = await db.query<{ id: string }>(
      `INSERT INTO deliveries (tenant_id, event_id, webhook_id, status, attempt_count, started_attempt) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [tenantId, eventId, webhookId, fields.status ?? 'queued', fields.attemptCount ?? 0, fields.startedAttempt ?? fields.attemptCount ?? 0],
    );
    return id;
  }

  async function row(deliveryId: string) {
    const [found] = await db.query<{ status: string; attempt_count: number; started_attempt: number; attempt_started_at: Date | null }>(
      `SELECT status, attempt_count, started_attempt, attempt_started_at FROM deliveries WHERE id = $1`,
      [deliveryId],
    );
    return found;
  }

  function outcome(deliveryId: string, webhookId: string, result: AttemptRecord['result'], extra: Partial<AttemptRecord> = {}): AttemptRecord {
    const ok = result === 'succeeded';
    return {
      tenantId,
      deliveryId,
      webhookId,
      trigger: result === 'recorded' ? 'manual' : 'scheduled',
      url: 'http://127.0.0.1:9/hook',
      statusCode: ok ? 200 : 500,
      durationMs: 3,
      error: ok ? null : 'HTTP 500',
      responseExcerpt: ok ? 'ok' : 'oops',
      result,
      nextAttemptAt: result === 'retry' ? new Date(Date.now() + 60_000) : null,
      failureReason: result === 'failed' ? 'exhausted' : null,
      disableReason: null,
      disableAfterFailures: 10,
      ...extra,
    };
  }

  describe('load', () => {
    it('loads every request in order and marks only scheduled attempts that can run', async () => {
      const enabled = await webhook();
      const disabled = await webhook({ status: 'disabled' });
      const scheduled = await delivery(enabled);
      const manual = await delivery(enabled);
      const finished = await delivery(enabled, { status: 'succeeded', attemptCount: 1 });
      const toDisabled = await delivery(disabled);
      const interrupted = await delivery(enabled, { attemptCount: 1, startedAttempt: 2 });
      const missing = randomUUID();

      const loaded = await batches.load([
        { tenantId, deliveryId: scheduled, journal: true },
        { tenantId, deliveryId: manual, journal: false },
        { tenantId, deliveryId: finished, journal: true },
        { tenantId, deliveryId: missing, journal: true },
        { tenantId, deliveryId: toDisabled, journal: true },
        { tenantId, deliveryId: interrupted, journal: true },
      ]);

      expect(loaded.map((work) => work?.deliveryId ?? null)).toEqual([scheduled, manual, finished, null, toDisabled, interrupted]);
      expect(loaded.map((work) => work?.started ?? null)).toEqual([true, false, false, null, false, false]);
      expect(loaded[0]).toMatchObject({ webhookId: enabled, webhookStatus: 'enabled', eventTypeKey: 'batch.test', eventData: { n: 1 }, consecutiveFailures: 0 });
      // The rows are read as they were before the mark.
      expect(loaded[0]!.attemptCount).toBe(0);
      expect(await row(scheduled)).toMatchObject({ started_attempt: 1, attempt_count: 0 });
      expect((await row(scheduled)).attempt_started_at).not.toBeNull();
      expect(await row(manual)).toMatchObject({ started_attempt: 0 });
      expect(await row(finished)).toMatchObject({ started_attempt: 1 });
      expect(await row(toDisabled)).toMatchObject({ started_attempt: 0 });
      // The previous start never recorded: left for the journal to log as interrupted.
      expect(await row(interrupted)).toMatchObject({ started_attempt: 2, attempt_count: 1 });
    });

    it('never answers another tenant\'s delivery', async () => {
      const id = await delivery(await webhook());
      const [loaded] = await batches.load([{ tenantId: randomUUID(), deliveryId: id, journal: true }]);
      expect(loaded).toBeNull();
      expect(await row(id)).toMatchObject({ started_attempt: 0 });
    });

    it('takes back a mark with unmarkStarted, and leaves a recorded attempt alone', async () => {
      const hook = await webhook();
      const deferred = await delivery(hook);
      const recorded = await delivery(hook, { attemptCount: 1, startedAttempt: 1 });
      await batches.load([{ tenantId, deliveryId: deferred, journal: true }]);
      await batches.unmarkStarted([deferred, recorded]);
      expect(await row(deferred)).toMatchObject({ started_attempt: 0, attempt_count: 0 });
      expect(await row(recorded)).toMatchObject({ started_attempt: 1, attempt_count: 1 });
    });
  });

  describe('record', () => {
    it('writes each outcome with its own attempt number and state, in one batch', async () => {
      const hook = await webhook({ failures: 2 });
      const [succeeded, retried, failed, manual] = await Promise.all([delivery(hook), delivery(hook), delivery(hook, { attemptCount: 1 }), delivery(hook)]);

      const results = await batches.record([
        outcome(succeeded, hook, 'succeeded'),
        outcome(retried, hook, 'retry'),
        outcome(failed, hook, 'failed'),
        outcome(manual, hook, 'recorded'),
      ]);

      expect(results).toEqual([
        { attempt: 1, webhookDisabled: false },
        { attempt: 1, webhookDisabled: false },
        { attempt: 2, webhookDisabled: false },
        { attempt: 1, webhookDisabled: false },
      ]);
      expect((await row(succeeded)).status).toBe('succeeded');
      expect((await row(retried)).status).toBe('queued');
      expect((await row(failed)).status).toBe('failed');
      expect((await row(manual)).status).toBe('queued');
      const attempts = await db.query<{ delivery_id: string; attempt: number; status_code: number; trigger: string }>(
        `SELECT delivery_id, attempt, status_code, trigger FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY attempt`,
        [[succeeded, retried, failed, manual]],
      );
      expect(attempts).toHaveLength(4);
      expect(attempts.find((a) => a.delivery_id === manual)).toMatchObject({ attempt: 1, trigger: 'manual', status_code: 500 });
      // The success reset the count, then the failure counted one (in that order, in one transaction) and logged why.
      const [{ consecutive_failures: failures }] = await db.query<{ consecutive_failures: number }>(`SELECT consecutive_failures FROM webhooks WHERE id = $1`, [hook]);
      expect(failures).toBe(1);
      const logs = await db.query<{ message: string }>(`SELECT message FROM error_logs WHERE delivery_id = $1`, [failed]);
      expect(logs).toEqual([{ message: 'Delivery failed after 2 attempts: exhausted' }]);
    });

    it('records the same delivery twice in one batch as two attempts', async () => {
      const hook = await webhook();
      const id = await delivery(hook);
      const results = await batches.record([outcome(id, hook, 'retry'), outcome(id, hook, 'succeeded', { trigger: 'manual' })]);
      expect(results.map((r) => (r instanceof Error ? r.message : r.attempt))).toEqual([1, 2]);
      expect(await row(id)).toMatchObject({ attempt_count: 2, status: 'succeeded' });
    });

    it('starts the count again on a success that is alone in its batch, and not for a delivery that is gone', async () => {
      const hook = await webhook({ failures: 2 });
      const other = await webhook({ failures: 4 });
      const id = await delivery(hook);
      const results = await batches.record([outcome(id, hook, 'succeeded'), outcome(randomUUID(), other, 'succeeded')]);
      expect(results[0]).toEqual({ attempt: 1, webhookDisabled: false });
      expect(results[1]).toBeInstanceOf(Error);
      const counts = await db.query<{ id: string; consecutive_failures: number }>(`SELECT id, consecutive_failures FROM webhooks WHERE id = ANY($1::uuid[])`, [
        [hook, other],
      ]);
      expect(Object.fromEntries(counts.map((c) => [c.id, c.consecutive_failures]))).toEqual({ [hook]: 0, [other]: 4 });
    });

    it('leaves the webhook row alone on success when its count was already 0', async () => {
      const hook = await webhook({ failures: 3 });
      const id = await delivery(hook);
      await batches.record([outcome(id, hook, 'succeeded', { resetFailures: false })]);
      const [{ consecutive_failures: failures }] = await db.query<{ consecutive_failures: number }>(`SELECT consecutive_failures FROM webhooks WHERE id = $1`, [hook]);
      expect(failures).toBe(3);
    });

    it('fails the item of a delivery that is gone, and only that one', async () => {
      const hook = await webhook();
      const id = await delivery(hook);
      const results = await batches.record([outcome(randomUUID(), hook, 'succeeded'), outcome(id, hook, 'succeeded')]);
      expect(results[0]).toBeInstanceOf(Error);
      expect(results[1]).toEqual({ attempt: 1, webhookDisabled: false });
    });
  });

  describe('AttemptStore', () => {
    it('retries a batch that PostgreSQL refused one item at a time, so the others are still recorded', async () => {
      const store = new AttemptStore(batches);
      const hook = await webhook();
      const ids = await Promise.all([delivery(hook), delivery(hook), delivery(hook)]);
      // A malformed tenant id makes the whole statement fail (22P02); alone, it fails only itself.
      const results = await Promise.allSettled([
        store.record(outcome(ids[0], hook, 'succeeded')),
        store.record({ ...outcome(ids[1], hook, 'succeeded'), tenantId: 'not-a-uuid' }),
        store.record(outcome(ids[2], hook, 'succeeded')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await row(ids[0])).status).toBe('succeeded');
      expect((await row(ids[1])).status).toBe('queued');
      expect((await row(ids[2])).status).toBe('succeeded');
    });

    it('loads concurrent requests through shared statements, each getting its own delivery', async () => {
      const store = new AttemptStore(batches);
      const hook = await webhook();
      const ids = await Promise.all(Array.from({ length: 20 }, () => delivery(hook)));
      const loaded = await Promise.all(ids.map((id) => store.load(tenantId, id, true)));
      expect(loaded.map((work) => work?.deliveryId)).toEqual(ids);
      expect(loaded.every((work) => work?.started)).toBe(true);
    });
  });

  describe('publishes', () => {
    it('writes concurrent publishes in shared statements, each event with its own deliveries', async () => {
      const outbox = new OutboxRepository(dataSource);
      const [{ id: otherType }] = await db.query<{ id: string }>(`INSERT INTO event_types (tenant_id, key, name) VALUES ($1, 'batch.other', 'x') RETURNING id`, [
        tenantId,
      ]);
      const subscribed = [await webhook(), await webhook()];
      await db.query(`INSERT INTO webhooks (tenant_id, event_type_id, user_id, url, secret_enc) VALUES ($1, $2, 7, 'http://127.0.0.1:9/o', 'e')`, [tenantId, otherType]);
      const published = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          outbox.recordEvent(tenantId, { eventTypeId: n % 2 ? otherType : eventTypeId, dataJson: JSON.stringify({ n }), userId: n % 2 ? 7 : null, idempotencyKey: null, idempotencyWindowMs: 1000 }),
        ),
      );
      for (const [n, event] of published.entries()) {
        if (!event.created) throw new Error('expected a new event');
        const rows = await db.query<{ webhook_id: string; data: { n: number } }>(
          `SELECT d.webhook_id, e.data FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.id = $1 ORDER BY d.id`,
          [event.eventId],
        );
        expect(rows.map((r) => r.data.n)).toEqual(rows.map(() => n));
        expect(new Set(event.deliveryIds).size).toBe(rows.length);
        if (n % 2 === 0) expect(rows.filter((r) => subscribed.includes(r.webhook_id))).toHaveLength(2);
        else expect(rows).toHaveLength(1);
      }
    });
  });
});
