import { AttemptOutcome } from '@hookline/delivery';
import { DeliveryMetrics } from '@hookline/observability';
import { DeliveryJobPayload } from '@hookline/queue';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { AttemptObserver } from './attempt.observer';
import { OperationalEvents } from './operational-events';
import { createWorkerLog } from './worker-log';

const job: DeliveryJobPayload = { tenantId: 't1', deliveryId: 'd1', trigger: 'scheduled' } as DeliveryJobPayload;
const facts = { webhookId: 'w1', eventTypeKey: 'order.created', eventCreatedAt: new Date(), statusCode: 200, durationMs: 12, webhookDisabled: false };
const succeeded: AttemptOutcome = { kind: 'succeeded', attempt: 1, statusCode: 200, facts };
const exhausted: AttemptOutcome = { kind: 'failed', attempt: 5, error: 'HTTP 500', reason: 'exhausted', facts: { ...facts, statusCode: 500 } };
const manualFailed: AttemptOutcome = { kind: 'failed', attempt: 2, error: 'HTTP 500', reason: 'manual_attempt_failed', facts: { ...facts, statusCode: 500 } };

function observer(level: 'debug' | 'info' | 'warn' | 'silent') {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const log = createWorkerLog(level, stream);
  const events = { afterAttempt: jest.fn().mockResolvedValue(undefined) } as unknown as OperationalEvents;
  const metrics = new DeliveryMetrics(new Registry());
  return { lines, log, metrics, observer: new AttemptObserver(metrics, events, log) };
}

/** Fails the test if a log line's fields object is built: each spread of the job reads these getters. */
function watchedJob(): { job: DeliveryJobPayload; reads: () => number } {
  let reads = 0;
  const watched = { ...job };
  for (const key of ['deliveryId', 'tenantId'] as const) {
    const value = watched[key];
    Object.defineProperty(watched, key, { enumerable: true, get: () => (reads++, value) });
  }
  return { job: watched, reads: () => reads };
}

describe('AttemptObserver log lines', () => {
  it('writes an info line per attempt when info is enabled', async () => {
    const { lines, observer: o } = observer('info');
    await o.afterAttempt(job, succeeded);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([expect.objectContaining({ level: 'info', msg: 'Delivery attempt', delivery_id: 'd1', tenant_id: 't1', outcome: 'succeeded', status_code: 200 })]);
  });

  it('builds nothing for an info line when info is disabled, and still counts the attempt', async () => {
    const { lines, metrics, observer: o } = observer('warn');
    const watched = watchedJob();
    await o.afterAttempt(watched.job, succeeded);
    await o.afterAttempt(watched.job, manualFailed);
    await o.afterAttempt(watched.job, { kind: 'skipped', reason: 'endpoint_disabled' });
    await o.afterAttempt(watched.job, { kind: 'skipped', reason: 'already_succeeded' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([]);
    expect(watched.reads()).toBe(0);
    expect((await metrics.attempts.get()).values.reduce((sum, v) => sum + v.value, 0)).toBe(2);
  });

  it('keeps the warn line of a delivery that failed for good when info is disabled', async () => {
    const { lines, observer: o } = observer('warn');
    await o.afterAttempt(job, exhausted);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'Delivery attempt failed for good', outcome: 'failed', reason: 'exhausted', error: 'HTTP 500', webhook_disabled: false }),
    ]);
  });

  it('writes skips at info (terminal) or debug (no change), as before', async () => {
    const { lines, observer: o } = observer('debug');
    await o.afterAttempt(job, { kind: 'skipped', reason: 'endpoint_deleted' });
    await o.afterAttempt(job, { kind: 'skipped', reason: 'already_failed' });
    await o.afterAttempt(job, { kind: 'deferred', reason: 'endpoint_busy' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => [line.level, line.reason])).toEqual([
      ['info', 'endpoint_deleted'],
      ['debug', 'already_failed'],
    ]);
  });

  it('writes nothing at silent', async () => {
    const { lines, observer: o } = observer('silent');
    await o.afterAttempt(job, exhausted);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([]);
  });
});
