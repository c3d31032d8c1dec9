import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, APP_VERSION, AppConfig } from '@hookline/config';
import { AttemptJournalRepository, AttemptResult, DeliveriesRepository, DeliveryWork } from '@hookline/db';
import { Cipher, signedHeaders } from '@hookline/signing';
import { AttemptStore } from './attempt-store';
import { parseRetryAfter, retryDelay } from './backoff';
import { buildBody } from './body';
import { DecryptionCache } from './decryption-cache';
import { EndpointLimiter } from './endpoint-limiter';
import { mergeOutboundHeaders } from './header-rules';
import { HttpSender, SendResult } from './http-sender';

export const USER_AGENT = `Hookline/${APP_VERSION}`;

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

/** A delivery's one attempt: load → build body → sign → send → record → decide. */
@Injectable()
export class DeliveryRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryRunner.name);
  private readonly secrets: DecryptionCache;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    cipher: Cipher,
    private readonly sender: HttpSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly journal: AttemptJournalRepository,
    private readonly limiter: EndpointLimiter,
    private readonly store: AttemptStore,
  ) {
    this.secrets = new DecryptionCache(cipher);
  }

  async attempt(job: AttemptJob): Promise<AttemptOutcome> {
    // A scheduled attempt that can run is marked started (the attempt journal) by the statement that loads it.
    const work = await this.store.load(job.tenantId, job.deliveryId, job.trigger === 'scheduled');
    if (!work) return { kind: 'skipped', reason: 'delivery_not_found' };
    if (job.trigger === 'scheduled' && (work.status === 'succeeded' || work.status === 'failed')) {
      return { kind: 'skipped', reason: `already_${work.status}` };
    }
    if (work.webhookDeleted || work.webhookStatus !== 'enabled') {
      const reason = work.webhookDeleted ? 'endpoint_deleted' : 'endpoint_disabled';
      await this.deliveries.failWithoutAttempt(work.tenantId, work.deliveryId, work.webhookId, reason);
      return { kind: 'skipped', reason };
    }

    const release = this.limiter.tryAcquire(work.url);
    if (!release) {
      // Nothing goes out now: the mark is taken back, or the next try would log this one as interrupted.
      if (work.started) await this.store.unmarkStarted(work.deliveryId);
      return { kind: 'deferred', reason: 'endpoint_busy' };
    }
    let sent: SendResult;
    try {
      // Written before the request leaves: if this attempt never records its outcome, the next one logs it as interrupted.
      // Not marked by the load means the previous start never recorded: begin logs that one as interrupted, then marks.
      if (job.trigger === 'scheduled' && !work.started) await this.journal.begin(work.tenantId, work.deliveryId, work.url);
      // Serialised once: these exact bytes are signed and sent.
      const body = buildBody({ id: work.eventId, typeKey: work.eventTypeKey, createdAt: new Date(work.eventCreatedAt), data: work.eventData }, work.customPayload);
      const signature = signedHeaders(this.activeSecrets(work), work.deliveryId, body);
      const custom = work.customHeadersEnc ? (JSON.parse(this.secrets.decrypt(work.customHeadersEnc)) as Record<string, string>) : {};
      const headers = mergeOutboundHeaders(custom, { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signature });
      sent = await this.sender.send(work.url, headers, body);
    } finally {
      release();
    }
    // A failure to record throws: the job retries and the receiver deduplicates on webhook-id; never a success unrecorded.
    return this.record(job, work, sent);
  }

  private async record(job: AttemptJob, work: DeliveryWork, sent: SendResult): Promise<AttemptOutcome> {
    const ok = sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300;
    const gone = sent.statusCode === 410;
    const last = job.attemptsMade + 1 >= job.maxAttempts;
    // A manual attempt that fails leaves the delivery as it was: a failed one stays failed, a scheduled one keeps its
    // schedule. Only a success (or a 410) changes its state.
    const manualFailure = job.trigger === 'manual' && !ok && !gone;
    const result: AttemptResult = ok ? 'succeeded' : manualFailure ? 'recorded' : gone || last ? 'failed' : 'retry';
    const error = ok ? null : describeFailure(sent);
    const delayMs =
      result === 'retry'
        ? retryDelay({
            schedule: this.config.retrySchedule,
            attemptsMade: job.attemptsMade + 1,
            jitter: this.config.retryJitter,
            statusCode: sent.statusCode,
            retryAfterMs: parseRetryAfter(sent.retryAfter),
          })
        : 0;
    const failureReason = result !== 'failed' ? null : gone ? 'gone' : 'exhausted';
    const recorded = await this.store.record({
      tenantId: work.tenantId,
      deliveryId: work.deliveryId,
      webhookId: work.webhookId,
      trigger: job.trigger,
      url: work.url,
      statusCode: sent.statusCode,
      durationMs: sent.durationMs,
      error,
      responseExcerpt: sent.responseExcerpt,
      result,
      nextAttemptAt: result === 'retry' ? new Date(Date.now() + delayMs) : null,
      failureReason,
      disableReason: gone ? 'endpoint answered 410 Gone' : null,
      disableAfterFailures: this.config.disableAfterFailures,
      resetFailures: work.consecutiveFailures !== 0,
    });
    if (recorded.webhookDisabled && result === 'failed') {
      this.logger.warn(`Webhook ${work.webhookId} disabled after delivery ${work.deliveryId} failed`);
    }
    const facts: AttemptFacts = {
      webhookId: work.webhookId,
      eventTypeKey: work.eventTypeKey,
      eventCreatedAt: new Date(work.eventCreatedAt),
      statusCode: sent.statusCode,
      durationMs: sent.durationMs,
      webhookDisabled: recorded.webhookDisabled,
    };
    if (result === 'succeeded') return { kind: 'succeeded', attempt: recorded.attempt, statusCode: sent.statusCode!, facts };
    if (result === 'retry') return { kind: 'retry', attempt: recorded.attempt, delayMs, error: error!, facts };
    if (result === 'recorded') return { kind: 'failed', attempt: recorded.attempt, error: error!, reason: 'manual_attempt_failed', facts };
    return { kind: 'failed', attempt: recorded.attempt, error: error!, reason: failureReason!, facts };
  }

  /** The current secret first; the previous one too while its rotation grace lasts. */
  private activeSecrets(work: DeliveryWork): string[] {
    const secrets = [this.secrets.decrypt(work.secretEnc)];
    if (work.previousSecretEnc && work.previousSecretExpiresAt && new Date(work.previousSecretExpiresAt).getTime() > Date.now()) {
      secrets.push(this.secrets.decrypt(work.previousSecretEnc));
    }
    return secrets;
  }

  /** After the worker has drained (its processor stops in onModuleDestroy), so no attempt loses its connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }
}

function describeFailure(sent: SendResult): string {
  if (sent.error) return sent.error;
  const status = sent.statusCode!;
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed`;
  return `HTTP ${status}`;
}
