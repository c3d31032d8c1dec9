import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryStatus } from '../entities';
import { FlushResult } from '@hookline/batching';
import { prepared, runPrepared } from '../prepared-statement';
import { AttemptRecord, LoadedWork, RecordedAttempt, WorkRequest } from './attempt.types';
import { failedDeliveryLog, writeErrorLog } from './error-logs.repository';
import { requireTenant } from './tenant-scope';

const WORK_COLUMNS = `d.id AS "deliveryId", d.tenant_id AS "tenantId", d.status, d.attempt_count AS "attemptCount",
       w.id AS "webhookId", w.status AS "webhookStatus", (w.deleted_at IS NOT NULL) AS "webhookDeleted", w.url,
       w.custom_headers_enc AS "customHeadersEnc", w.custom_payload AS "customPayload", w.secret_enc AS "secretEnc",
       w.previous_secret_enc AS "previousSecretEnc", w.previous_secret_expires_at AS "previousSecretExpiresAt",
       e.id AS "eventId", et.key AS "eventTypeKey", e.data AS "eventData", e.created_at AS "eventCreatedAt",
       w.consecutive_failures AS "consecutiveFailures"`;

/*
 * Shaped so no plan can walk a webhook's whole backlog, even on tables never analyzed (right after a bulk load): every
 * deliveries row is reached by primary key (id = ANY), and the mark's open-status test is written so the partial
 * outbox index cannot serve it.
 */
const LOAD = prepared(
  `WITH req AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::boolean[]) WITH ORDINALITY AS r(tenant_id, id, journal, n)
       ), loaded AS MATERIALIZED (
         SELECT req.n, req.journal, ${WORK_COLUMNS}
           FROM deliveries d
           JOIN req ON req.id = d.id AND req.tenant_id = d.tenant_id
           JOIN webhooks w ON w.id = d.webhook_id
           JOIN events e ON e.id = d.event_id
           JOIN event_types et ON et.id = e.event_type_id
          WHERE d.id = ANY($2::uuid[])
       ), started AS (
         UPDATE deliveries d SET started_attempt = d.attempt_count + 1, attempt_started_at = now()
           FROM loaded l
          WHERE d.id = ANY($2::uuid[]) AND d.id = l."deliveryId" AND l.journal
            AND l."webhookStatus" = 'enabled' AND NOT l."webhookDeleted"
            AND d.status <> 'succeeded' AND d.status <> 'failed' AND d.started_attempt <= d.attempt_count
         RETURNING d.id
       )
       SELECT l.*, (l.journal AND l."deliveryId" IN (SELECT id FROM started)) AS started FROM loaded l`,
  { plan: 'generic' },
);

const UNMARK = prepared(`UPDATE deliveries SET started_attempt = attempt_count WHERE id = ANY($1::uuid[]) AND started_attempt = attempt_count + 1`, {
  plan: 'generic',
});

const RECORD = prepared(
  `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::text[], $8::boolean[],
                              $9::boolean[], $10::text[], $11::text[], $12::int[], $13::text[])
           WITH ORDINALITY AS r(tenant_id, delivery_id, status, next_attempt_at, status_code, error, failure_reason, terminal,
                                keep, trigger, url, duration_ms, response_excerpt, n)
       ), updated AS (
         UPDATE deliveries d
            SET attempt_count = d.attempt_count + 1, last_status_code = r.status_code, last_error = r.error,
                status = COALESCE(r.status, d.status),
                next_attempt_at = CASE WHEN r.keep THEN d.next_attempt_at ELSE r.next_attempt_at END,
                failure_reason = CASE WHEN r.keep THEN d.failure_reason ELSE r.failure_reason END,
                completed_at = CASE WHEN r.keep THEN d.completed_at WHEN r.terminal THEN now() ELSE NULL END,
                updated_at = now()
           FROM r
          WHERE d.id = ANY($2::uuid[]) AND d.tenant_id = r.tenant_id AND d.id = r.delivery_id
         RETURNING r.n, d.attempt_count
       ), attempts AS (
         INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, trigger, url, status_code, duration_ms, error, response_excerpt)
         SELECT r.tenant_id, r.delivery_id, updated.attempt_count, r.trigger, r.url, r.status_code, r.duration_ms, r.error, r.response_excerpt
           FROM updated JOIN r ON r.n = updated.n
       )
       SELECT n, attempt_count FROM updated`,
  { plan: 'generic' },
);

/**
 * Successes of endpoints that had failures behind them start their count again; rare, so in the same transaction as
 * the batch's RECORD rather than inside it (on a table as small as a new install's webhooks, a generic plan of the
 * pair would scan the whole table on every batch).
 */
const RESET_FAILURES = `UPDATE webhooks SET consecutive_failures = 0 WHERE id = ANY($1::uuid[]) AND consecutive_failures <> 0`;

/**
 * The worker's hot path, many attempts per statement (see GroupCommit): one statement loads a batch of deliveries with
 * their endpoint and event and marks the scheduled ones started; one statement records a batch of outcomes (attempt
 * rows, delivery states, failure counters reset). Each caller's result is its own row's: an attempt is durable once
 * the statement holding it has committed, and its job completes only after that.
 */
@Injectable()
export class AttemptBatchRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Loads each requested delivery (null when it is not there) and, for scheduled attempts of open deliveries whose
   * endpoint is enabled, sets the attempt journal's mark (started_attempt = attempt_count + 1) — unless the previous
   * start never recorded its outcome, which the caller handles. The SELECT reads the rows as they were before the mark.
   */
  async load(requests: WorkRequest[]): Promise<Array<LoadedWork | null>> {
    if (requests.length === 0) return [];
    const ids = requests.map((r) => r.deliveryId);
    const rows = await runPrepared<Array<LoadedWork & { n: string; journal: boolean }>>(
      this.db,
      LOAD,
      [requests.map((r) => requireTenant(r.tenantId)), ids, requests.map((r) => r.journal)],
    );
    const byIndex = new Map<number, LoadedWork>();
    for (const { n, journal: _journal, ...work } of rows) byIndex.set(Number(n) - 1, work);
    return requests.map((_, index) => byIndex.get(index) ?? null);
  }

  /** Takes back journal marks of attempts that were loaded but never sent (their endpoint was at its in-flight bound). */
  async unmarkStarted(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await runPrepared(this.db, UNMARK, [deliveryIds]);
  }

  /**
   * Records a batch of attempt outcomes: the attempt rows, the deliveries' new states and the failure-count resets in
   * one statement; when some deliveries ended failed, in one transaction with their endpoints' failure counts and
   * error logs. A delivery that is no longer there fails its own item only.
   */
  async record(records: AttemptRecord[]): Promise<Array<FlushResult<RecordedAttempt>>> {
    if (records.length === 0) return [];
    for (const record of records) requireTenant(record.tenantId);
    // UPDATE ... FROM changes a row once however many input rows match it: a delivery recorded twice in one batch (a
    // manual attempt beside the scheduled one) goes in a later round, in the same transaction.
    const split = rounds(records);
    const single = split.length === 1 && !records.some((record) => record.result === 'failed' || resetsFailures(record));
    return single ? this.recordIn(this.db.manager, records, split) : this.db.transaction((em) => this.recordIn(em, records, split));
  }

  private async recordIn(em: EntityManager, records: AttemptRecord[], split: number[][]): Promise<Array<FlushResult<RecordedAttempt>>> {
    const attempts = new Map<number, number>();
    for (const round of split) {
      for (const [index, attempt] of await this.recordRound(em, round.map((i) => records[i]))) attempts.set(round[index], attempt);
    }
    // Only for endpoints whose success was recorded: a delivery that is gone resets nothing.
    const resets = new Set(records.filter((record, index) => resetsFailures(record) && attempts.has(index)).map((record) => record.webhookId));
    if (resets.size > 0) await em.query(RESET_FAILURES, [[...resets]]);
    const results: Array<FlushResult<RecordedAttempt>> = records.map((record, index) => {
      const attempt = attempts.get(index);
      return attempt === undefined ? new Error(`Delivery ${record.deliveryId} is gone: its attempt could not be recorded`) : { attempt, webhookDisabled: false };
    });
    // In endpoint order, so two workers failing deliveries of the same endpoints take their row locks in one order.
    const failed = records.map((record, index) => ({ record, index })).filter(({ record, index }) => record.result === 'failed' && attempts.has(index));
    failed.sort((a, b) => (a.record.webhookId < b.record.webhookId ? -1 : a.record.webhookId > b.record.webhookId ? 1 : 0));
    for (const { record, index } of failed) {
      const webhookDisabled = await recordFailedDelivery(em, record, attempts.get(index)!);
      results[index] = { attempt: attempts.get(index)!, webhookDisabled };
    }
    return results;
  }

  /** One statement for deliveries that appear once each; answers [index in `records`, attempt number] per recorded row. */
  private async recordRound(em: EntityManager, records: AttemptRecord[]): Promise<Array<[number, number]>> {
    const column = <T>(pick: (record: AttemptRecord) => T) => records.map(pick);
    const rows = await runPrepared<Array<{ n: string; attempt_count: number }>>(
      em,
      RECORD,
      [
        column((r) => r.tenantId),
        column((r) => r.deliveryId),
        column((r) => newStatus(r)),
        column((r) => r.nextAttemptAt),
        column((r) => r.statusCode),
        column((r) => r.error),
        column((r) => r.failureReason),
        column((r) => r.result === 'succeeded' || r.result === 'failed'),
        column((r) => r.result === 'recorded'),
        column((r) => r.trigger),
        column((r) => r.url),
        column((r) => r.durationMs),
        column((r) => r.responseExcerpt),
      ],
    );
    return rows.map((row) => [Number(row.n) - 1, row.attempt_count]);
  }
}

/** A success that starts its endpoint's failure count again (the caller knew the count was not 0). */
function resetsFailures(record: AttemptRecord): boolean {
  return record.result === 'succeeded' && record.resetFailures !== false;
}

/** `recorded` (a manual attempt that failed) keeps the delivery's state; a retry puts it back in the queue. */
function newStatus(record: AttemptRecord): DeliveryStatus | null {
  if (record.result === 'recorded') return null;
  return record.result === 'retry' ? 'queued' : record.result;
}

/** Splits indexes into rounds in which each delivery appears at most once, in arrival order. */
function rounds(records: AttemptRecord[]): number[][] {
  const result: number[][] = [];
  const seen: Array<Set<string>> = [];
  records.forEach((record, index) => {
    let round = 0;
    while (seen[round]?.has(record.deliveryId)) round++;
    (seen[round] ??= new Set()).add(record.deliveryId);
    (result[round] ??= []).push(index);
  });
  return result;
}

/**
 * A delivery that ended failed: one more consecutive failure for its endpoint (disabling it at the threshold or on a
 * 410) and an error log. Answers whether the endpoint is disabled now. 
 */
async function recordFailedDelivery(em: EntityManager, record: AttemptRecord, attempt: number): Promise<boolean> {
  const [[webhook]] = await em.query(
    `UPDATE webhooks
        SET consecutive_failures = consecutive_failures + 1,
            status = CASE WHEN $2::text IS NOT NULL OR consecutive_failures + 1 >= $3 THEN 'disabled' ELSE status END,
            disabled_reason = CASE WHEN status = 'enabled' AND ($2::text IS NOT NULL OR consecutive_failures + 1 >= $3)
                                   THEN COALESCE($2::text, 'failure threshold reached: ' || (consecutive_failures + 1) || ' consecutive failed deliveries')
                                   ELSE disabled_reason END,
            disabled_at = CASE WHEN status = 'enabled' AND ($2::text IS NOT NULL OR consecutive_failures + 1 >= $3) THEN now() ELSE disabled_at END,
            updated_at = now()
      WHERE id = $1
      RETURNING status`,
    [record.webhookId, record.disableReason, record.disableAfterFailures],
  );
  const webhookDisabled = webhook?.status === 'disabled';
  await writeErrorLog(em, { tenantId: record.tenantId, webhookId: record.webhookId, deliveryId: record.deliveryId, ...failedDeliveryLog(record, attempt, webhookDisabled) });
  return webhookDisabled;
}
