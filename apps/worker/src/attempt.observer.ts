import { Inject, Injectable } from '@nestjs/common';
import { AttemptOutcome } from '@hookline/delivery';
import { DeliveryMetrics, statusClass } from '@hookline/observability';
import { DeliveryJobPayload } from '@hookline/queue';
import type { Logger as Pino } from 'pino';
import { OperationalEvents } from './operational-events';
import { WORKER_LOG } from './worker-log';

/** Skips that end a delivery (failed without an attempt); the others (already finished, gone) change nothing. */
const TERMINAL_SKIPS = new Set(['endpoint_disabled', 'endpoint_deleted']);

/**
 * What follows every attempt once the runner has recorded it: the metrics, one JSON log line, and the operational
 * events it calls for. Never throws, so nothing here can turn a recorded attempt into a job failure.
 */
@Injectable()
export class AttemptObserver {
  constructor(
    private readonly metrics: DeliveryMetrics,
    private readonly events: OperationalEvents,
    @Inject(WORKER_LOG) private readonly log: Pino,
  ) {}

  async afterAttempt(job: DeliveryJobPayload, outcome: AttemptOutcome): Promise<void> {
    try {
      this.count(job, outcome);
      this.write(job, outcome);
    } catch {
      // A metric or a log line is never worth failing the job for.
    }
    await this.events.afterAttempt(job, outcome);
  }

  private count(job: DeliveryJobPayload, outcome: AttemptOutcome): void {
    const scheduled = job.trigger !== 'manual';
    if (outcome.kind === 'skipped') {
      if (TERMINAL_SKIPS.has(outcome.reason)) this.metrics.finished.inc({ outcome: 'skipped' });
      return;
    }
    if (outcome.kind === 'deferred') return;
    const status_class = statusClass(outcome.facts.statusCode);
    this.metrics.attempts.inc({ outcome: attemptLabel(outcome), status_class });
    this.metrics.attemptDuration.observe({ status_class }, outcome.facts.durationMs / 1000);
    // A scheduled attempt never runs for a delivery that already succeeded, so its success is the first one.
    if (outcome.kind === 'succeeded' && scheduled) {
      this.metrics.endToEnd.observe(Math.max(0, Date.now() - outcome.facts.eventCreatedAt.getTime()) / 1000);
    }
    // Final states reached through the delivery's own schedule; manual attempts show in the attempts counter only.
    if (scheduled && (outcome.kind === 'succeeded' || outcome.kind === 'failed')) this.metrics.finished.inc({ outcome: outcome.kind });
  }

  /**
   * One line per attempt; no URL, header, body or secret is ever part of it. The level is chosen first and nothing is
   * built when the logger would drop the line.
   */
  private write(job: DeliveryJobPayload, outcome: AttemptOutcome): void {
    if (outcome.kind === 'deferred') return;
    if (outcome.kind === 'skipped') {
      const level = TERMINAL_SKIPS.has(outcome.reason) ? 'info' : 'debug';
      if (!this.log.isLevelEnabled(level)) return;
      this.log[level]({ ...lineBase(job), outcome: 'skipped', reason: outcome.reason }, 'Delivery skipped');
      return;
    }
    const level = outcome.kind === 'failed' && outcome.reason !== 'manual_attempt_failed' ? 'warn' : 'info';
    if (!this.log.isLevelEnabled(level)) return;
    const line = {
      ...lineBase(job),
      webhook_id: outcome.facts.webhookId,
      attempt: outcome.attempt,
      outcome: attemptLabel(outcome),
      status_code: outcome.facts.statusCode,
      duration_ms: outcome.facts.durationMs,
      ...(outcome.kind === 'retry' ? { error: outcome.error, retry_in_ms: outcome.delayMs } : {}),
      ...(outcome.kind === 'failed' ? { error: outcome.error, reason: outcome.reason, webhook_disabled: outcome.facts.webhookDisabled } : {}),
    };
    if (level === 'warn') this.log.warn(line, 'Delivery attempt failed for good');
    else this.log.info(line, 'Delivery attempt');
  }
}

function lineBase(job: DeliveryJobPayload) {
  return { delivery_id: job.deliveryId, tenant_id: job.tenantId, trigger: job.trigger ?? 'scheduled', request_id: job.requestId };
}

/** succeeded, retry, failed, or recorded (a manual attempt that failed and left the delivery as it was). */
function attemptLabel(outcome: Extract<AttemptOutcome, { kind: 'succeeded' | 'retry' | 'failed' }>): string {
  return outcome.kind === 'failed' && outcome.reason === 'manual_attempt_failed' ? 'recorded' : outcome.kind;
}
