import { Inject, Injectable } from '@nestjs/common';
import { OperationalEventsRepository, OutboxRepository, ProbeTarget } from '@hookline/db';
import { AttemptOutcome } from '@hookline/delivery';
import { DeliveryMetrics } from '@hookline/observability';
import { DeliveryEnqueuer, DeliveryJobPayload } from '@hookline/queue';
import type { Logger as Pino } from 'pino';
import { WORKER_LOG } from './worker-log';

/** The system event types Hookline publishes itself; a tenant subscribes by registering a webhook for one. */
export const OPERATIONAL_EVENT_TYPES = ['webhook.disabled', 'webhook.recovered', 'delivery.failing', 'delivery.exhausted'] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];
/** Also a system type (it names the probe's body), but sent only by the probe, never recorded as an event. */
export const PROBE_EVENT_TYPE = 'webhook.probe';
/** `delivery.failing` is raised when a delivery's 4th attempt fails (every earlier one failed too, or it would be done). */
export const FAILING_AFTER_ATTEMPTS = 4;
/**
 * Each operational event carries an idempotency key naming what it reports (a delivery, one disable of a webhook), so
 * a repeat (a retried job, two replicas, attempts past the 4th) never records it twice. Kept far longer than any
 * delivery's retry schedule.
 */
const KEY_WINDOW_MS = 365 * 24 * 60 * 60 * 1000;

const SYSTEM_KEYS: ReadonlySet<string> = new Set([...OPERATIONAL_EVENT_TYPES, PROBE_EVENT_TYPE]);

export interface Recovery {
  target: ProbeTarget;
  recoveredAt: Date;
  probeStatusCode: number;
  replayed: number;
  requestId: string;
}

/**
 * Records operational events as real events of the tenant (OutboxRepository.recordEvent: the event and one delivery per
 * enabled webhook subscribed to its type, in one transaction) and queues their deliveries. Runs after the attempt that
 * triggered it is recorded and never throws: a failure here is logged and the attempt's bookkeeping stands. Nothing is
 * written for a tenant with no subscriber to the type. Never raised about a delivery of an operational event, so a
 * dying operations endpoint cannot feed on itself; `webhook.disabled` and `webhook.recovered` are still raised for it
 * (each needs a change of the webhook's state, so they cannot loop).
 */
@Injectable()
export class OperationalEvents {
  private typeIds: Promise<Map<string, string>> | null = null;

  constructor(
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly outbox: OutboxRepository,
    private readonly facts: OperationalEventsRepository,
    private readonly metrics: DeliveryMetrics,
    @Inject(WORKER_LOG) private readonly log: Pino,
  ) {}

  static isOperational(eventTypeKey: string): boolean {
    return SYSTEM_KEYS.has(eventTypeKey);
  }

  /** The events one recorded attempt calls for: webhook.disabled, delivery.failing, delivery.exhausted. */
  async afterAttempt(job: DeliveryJobPayload, outcome: AttemptOutcome): Promise<void> {
    if (outcome.kind !== 'retry' && outcome.kind !== 'failed') return;
    const { facts } = outcome;
    if (facts.webhookDisabled) await this.safely('webhook.disabled', job, () => this.webhookDisabled(job, facts.webhookId));
    // Manual attempts change nothing about a delivery's course (a failed one stays failed), so they raise nothing.
    if (job.trigger === 'manual' || OperationalEvents.isOperational(facts.eventTypeKey)) return;
    if (outcome.attempt >= FAILING_AFTER_ATTEMPTS) await this.safely('delivery.failing', job, () => this.deliveryEvent('delivery.failing', job, outcome.attempt));
    if (outcome.kind === 'failed') await this.safely('delivery.exhausted', job, () => this.deliveryEvent('delivery.exhausted', job, outcome.attempt));
  }

  /** After the recovery probe re-enabled a webhook and re-queued what it missed. Never throws. */
  async webhookRecovered(recovery: Recovery): Promise<void> {
    const { target } = recovery;
    const job = { deliveryId: '', tenantId: target.tenantId, requestId: recovery.requestId };
    await this.safely('webhook.recovered', job, () =>
      this.emit(target.tenantId, 'webhook.recovered', `${target.webhookId}:${target.disabledAtUs}`, recovery.requestId, async () => {
        const webhook = await this.facts.webhook(target.tenantId, target.webhookId);
        if (!webhook) return null;
        return {
          webhook_id: target.webhookId,
          user_id: webhook.userId,
          event_type_id: webhook.eventTypeId,
          url_host: hostOf(target.url),
          disabled_reason: target.disabledReason,
          disabled_at: new Date(target.disabledAt).toISOString(),
          recovered_at: recovery.recoveredAt.toISOString(),
          probe_status_code: recovery.probeStatusCode,
          replayed_deliveries: recovery.replayed,
        };
      }),
    );
  }

  private async webhookDisabled(job: DeliveryJobPayload, webhookId: string): Promise<void> {
    const webhook = await this.facts.webhook(job.tenantId, webhookId);
    // Only the platform's own disables: a tenant's explicit one needs no telling, and a deleted webhook is gone.
    if (!webhook || webhook.deleted || webhook.status !== 'disabled' || webhook.disabledByTenant || webhook.disabledAtUs === null) return;
    await this.emit(job.tenantId, 'webhook.disabled', `${webhookId}:${webhook.disabledAtUs}`, job.requestId, async () => ({
      webhook_id: webhook.id,
      user_id: webhook.userId,
      event_type_id: webhook.eventTypeId,
      url_host: hostOf(webhook.url),
      reason: webhook.disabledReason,
      disabled_at: webhook.disabledAt ? new Date(webhook.disabledAt).toISOString() : null,
      consecutive_failures: webhook.consecutiveFailures,
      delivery_id: job.deliveryId,
    }));
  }

  private async deliveryEvent(type: 'delivery.failing' | 'delivery.exhausted', job: DeliveryJobPayload, attempt: number): Promise<void> {
    // Once per delivery for failing; once per time it ends failed for exhausted (a recovered delivery may end so again).
    const key = type === 'delivery.failing' ? job.deliveryId : `${job.deliveryId}:${attempt}`;
    await this.emit(job.tenantId, type, key, job.requestId, async () => {
      const delivery = await this.facts.delivery(job.tenantId, job.deliveryId);
      if (!delivery) return null;
      const data: Record<string, unknown> = {
        delivery_id: delivery.id,
        event_id: delivery.eventId,
        event_type: delivery.eventTypeKey,
        webhook_id: delivery.webhookId,
        url_host: hostOf(delivery.url),
        attempts: delivery.attemptCount,
        last_status_code: delivery.lastStatusCode,
      };
      if (type === 'delivery.failing') {
        data.status = delivery.status;
        data.next_attempt_at = delivery.nextAttemptAt ? new Date(delivery.nextAttemptAt).toISOString() : null;
      } else {
        data.reason = delivery.failureReason;
      }
      return data;
    });
  }

  /** `describe` runs only when someone listens: a tenant with no subscriber to the type costs one indexed lookup. */
  private async emit(
    tenantId: string,
    type: OperationalEventType,
    key: string,
    requestId: string | undefined,
    describe: () => Promise<Record<string, unknown> | null>,
  ): Promise<void> {
    const eventTypeId = (await this.systemTypeIds()).get(type);
    if (!eventTypeId) {
      this.log.warn({ event_type: type }, 'Operational event type is missing (run the migrations); nothing recorded');
      return;
    }
    if (!(await this.facts.hasSubscribers(tenantId, eventTypeId))) return;
    const data = await describe();
    if (!data) return;
    const recorded = await this.outbox.recordEvent(tenantId, {
      eventTypeId,
      dataJson: JSON.stringify(data),
      userId: null,
      idempotencyKey: `hookline:${type}:${key}`,
      idempotencyWindowMs: KEY_WINDOW_MS,
    });
    if (!recorded.created) return;
    this.metrics.operationalEvents.inc({ type });
    this.log.info(
      { event_type: type, event_id: recorded.eventId, tenant_id: tenantId, deliveries: recorded.deliveryIds.length, request_id: requestId },
      'Operational event recorded',
    );
    // Never throws; what is not queued now stays `pending` for the outbox sweeper.
    const queued = await this.enqueuer.enqueue(recorded.deliveryIds.map((deliveryId) => ({ deliveryId, tenantId, requestId })));
    await this.outbox.markQueued(queued);
  }

  private systemTypeIds(): Promise<Map<string, string>> {
    this.typeIds ??= this.facts.systemTypeIds(OPERATIONAL_EVENT_TYPES).then((ids) => {
      // A partial answer (migrations not run yet) is looked up again next time.
      if (ids.size < OPERATIONAL_EVENT_TYPES.length) this.typeIds = null;
      return ids;
    });
    return this.typeIds.catch((error: unknown) => {
      this.typeIds = null;
      throw error;
    });
  }

  private async safely(type: string, job: Pick<DeliveryJobPayload, 'deliveryId' | 'tenantId' | 'requestId'>, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log.warn(
        { event_type: type, delivery_id: job.deliveryId || undefined, tenant_id: job.tenantId, request_id: job.requestId, err_message: (error as Error).message },
        'Operational event not recorded',
      );
    }
  }
}

/** Host and port only: a path or query may carry a token, and a URL is the tenant's to show, not ours. */
export function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
