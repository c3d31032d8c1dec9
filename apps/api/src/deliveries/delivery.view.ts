import { DeliveryAttempt, DeliveryWithAttempts } from '@hookline/db';

export interface AttemptView {
  attempt: number;
  trigger: string;
  url: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  created_at: string;
}

export interface DeliveryView {
  id: string;
  event_id: string;
  webhook_id: string;
  status: string;
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  attempts?: AttemptView[];
}

export function toAttemptView(attempt: DeliveryAttempt): AttemptView {
  return {
    attempt: attempt.attempt,
    trigger: attempt.trigger,
    url: attempt.url,
    status_code: attempt.statusCode,
    duration_ms: attempt.durationMs,
    error: attempt.error,
    response_excerpt: attempt.responseExcerpt,
    created_at: attempt.createdAt.toISOString(),
  };
}

export function toDeliveryView(delivery: Omit<DeliveryWithAttempts, 'attempts'> & { attempts?: DeliveryAttempt[] }): DeliveryView {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    webhook_id: delivery.webhookId,
    status: delivery.status,
    attempt_count: delivery.attemptCount,
    next_attempt_at: delivery.status === 'succeeded' || delivery.status === 'failed' ? null : (delivery.nextAttemptAt?.toISOString() ?? null),
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    failure_reason: delivery.failureReason,
    created_at: delivery.createdAt.toISOString(),
    updated_at: delivery.updatedAt.toISOString(),
    completed_at: delivery.completedAt?.toISOString() ?? null,
    ...(delivery.attempts ? { attempts: delivery.attempts.map(toAttemptView) } : {}),
  };
}
