import type { AttemptResult, RecordedAttempt } from '@hookline/db';
import { parseRetryAfter, retryDelay } from './backoff';
import type { SendResult } from './http-sender';

export interface AttemptJob {
  deliveryId: string;
  tenantId: string;
  trigger: 'scheduled' | 'manual';
  /** Attempts Bull has already made for this job (0 on the first). */
  attemptsMade: number;
  /** Attempts this job may make in all. */
  maxAttempts: number;
}

/** What one sent attempt was and did, for the worker's metrics, logs and operational events. */
export interface AttemptFacts {
  webhookId: string;
  /** The event's type: operational events are never raised about deliveries of operational events. */
  eventTypeKey: string;
  eventCreatedAt: Date;
  /** Null when no response arrived. */
  statusCode: number | null;
  durationMs: number;
  /** The endpoint is disabled once this attempt is recorded (by this failure, a 410, or before). */
  webhookDisabled: boolean;
}

export type AttemptOutcome =
  | { kind: 'succeeded'; attempt: number; statusCode: number; facts: AttemptFacts }
  | { kind: 'retry'; attempt: number; delayMs: number; error: string; facts: AttemptFacts }
  | { kind: 'failed'; attempt: number; error: string; reason: string; facts: AttemptFacts }
  /** Nothing was sent: the delivery is already terminal or gone, or its endpoint is disabled or deleted. */
  | { kind: 'skipped'; reason: string }
  /** Nothing was sent or recorded: the endpoint already has MAX_IN_FLIGHT_PER_ENDPOINT attempts running here. */
  | { kind: 'deferred'; reason: string };

/** What the answer (or its absence) means for the delivery, before anything is written. */
export interface AttemptDecision {
  /** `recorded`: a manual attempt that failed; the delivery keeps its state and schedule. */
  result: AttemptResult;
  /** Null on success. */
  error: string | null;
  /** Before the next attempt; 0 unless `retry`. */
  delayMs: number;
  nextAttemptAt: Date | null;
  /** Why a delivery ends failed: `gone` (410) or `exhausted` (its last attempt failed); null otherwise. */
  failureReason: 'gone' | 'exhausted' | null;
  /** Disable the endpoint now, whatever its failure count. The failure threshold itself is counted where it is stored. */
  disableReason: string | null;
}

export interface DecisionPolicy {
  retrySchedule: number[];
  retryJitter: number;
  now?: number;
  random?: () => number;
}

/**
 * Success, retry, exhausted or gone, from the attempt's answer alone. A 2xx succeeds. A 410 ends the delivery and
 * disables its endpoint. Any other answer (or none) is retried on the schedule (Retry-After honoured on 429 and 503)
 * unless it was the job's last attempt. A manual attempt that fails changes nothing about the delivery's course.
 */
export function decideAttempt(job: Pick<AttemptJob, 'trigger' | 'attemptsMade' | 'maxAttempts'>, sent: Pick<SendResult, 'statusCode' | 'error' | 'retryAfter'>, policy: DecisionPolicy): AttemptDecision {
  const ok = sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300;
  if (ok) return { result: 'succeeded', error: null, delayMs: 0, nextAttemptAt: null, failureReason: null, disableReason: null };
  const error = describeFailure(sent);
  const gone = sent.statusCode === 410;
  if (gone) return { result: 'failed', error, delayMs: 0, nextAttemptAt: null, failureReason: 'gone', disableReason: 'endpoint answered 410 Gone' };
  if (job.trigger === 'manual') return { result: 'recorded', error, delayMs: 0, nextAttemptAt: null, failureReason: null, disableReason: null };
  if (job.attemptsMade + 1 >= job.maxAttempts) return { result: 'failed', error, delayMs: 0, nextAttemptAt: null, failureReason: 'exhausted', disableReason: null };
  const delayMs = retryDelay({
    schedule: policy.retrySchedule,
    attemptsMade: job.attemptsMade + 1,
    jitter: policy.retryJitter,
    statusCode: sent.statusCode,
    retryAfterMs: parseRetryAfter(sent.retryAfter),
    random: policy.random,
  });
  return { result: 'retry', error, delayMs, nextAttemptAt: new Date((policy.now ?? Date.now()) + delayMs), failureReason: null, disableReason: null };
}

/** The runner's answer once the decision is recorded. */
export function outcomeOf(decision: AttemptDecision, recorded: RecordedAttempt, facts: AttemptFacts): AttemptOutcome {
  const attempt = recorded.attempt;
  switch (decision.result) {
    case 'succeeded':
      return { kind: 'succeeded', attempt, statusCode: facts.statusCode!, facts };
    case 'retry':
      return { kind: 'retry', attempt, delayMs: decision.delayMs, error: decision.error!, facts };
    case 'recorded':
      return { kind: 'failed', attempt, error: decision.error!, reason: 'manual_attempt_failed', facts };
    case 'failed':
      return { kind: 'failed', attempt, error: decision.error!, reason: decision.failureReason!, facts };
  }
}

function describeFailure(sent: Pick<SendResult, 'statusCode' | 'error'>): string {
  if (sent.error) return sent.error;
  const status = sent.statusCode!;
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed`;
  return `HTTP ${status}`;
}
