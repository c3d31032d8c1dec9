import { DeliveryStatus } from '../entities';

/*
 * The attempt's types, from the worker's load to its recorded outcome: what AttemptBatchRepository reads and writes, and
 * what the delivery runner hands it.
 */

/** Everything one attempt needs, loaded in one query (AttemptBatchRepository.load). */
export interface DeliveryWork {
  deliveryId: string;
  tenantId: string;
  status: DeliveryStatus;
  attemptCount: number;
  webhookId: string;
  webhookStatus: 'enabled' | 'disabled';
  webhookDeleted: boolean;
  url: string;
  customHeadersEnc: string | null;
  customPayload: Record<string, unknown> | null;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  eventId: string;
  eventTypeKey: string;
  eventData: unknown;
  eventCreatedAt: Date;
  /** The endpoint's failure count when loaded: a success only writes the webhook row when it has something to reset. */
  consecutiveFailures: number;
}

/** `recorded`: a manual attempt that failed; the delivery keeps its state and schedule. */
export type AttemptResult = 'succeeded' | 'retry' | 'failed' | 'recorded';

export interface AttemptRecord {
  tenantId: string;
  deliveryId: string;
  webhookId: string;
  trigger: 'scheduled' | 'manual';
  url: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  result: AttemptResult;
  nextAttemptAt: Date | null;
  /** Set when the delivery ends failed: why (`exhausted`, `gone`, ...). */
  failureReason: string | null;
  /** Disable the endpoint now, whatever its failure count (a receiver answering 410 Gone). */
  disableReason: string | null;
  disableAfterFailures: number;
  /** False when the endpoint's failure count was 0 at load: a success then leaves the webhook row alone. */
  resetFailures?: boolean;
}

export interface RecordedAttempt {
  attempt: number;
  webhookDisabled: boolean;
}

export interface WorkRequest {
  tenantId: string;
  deliveryId: string;
  /** A scheduled attempt: mark it started (the attempt journal) in the same statement that loads it. */
  journal: boolean;
}

/**
 * `started`: the journal mark is set (a scheduled attempt whose delivery is open and whose endpoint is enabled).
 * A scheduled attempt that could run but was not marked found the previous start unrecorded: the caller logs that
 * one as interrupted first (AttemptJournalRepository.begin).
 */
export type LoadedWork = DeliveryWork & { started: boolean };
