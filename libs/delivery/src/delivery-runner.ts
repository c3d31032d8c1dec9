import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, APP_VERSION, AppConfig } from '@hookline/config';
import { AttemptJournalRepository, AttemptResult, DeliveriesRepository, DeliveryWork } from '@hookline/db';
import { Cipher, signedHeaders } from '@hookline/signing';
import { parseRetryAfter, retryDelay } from './backoff';
import { buildBody } from './body';
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

export type AttemptOutcome =
  | { kind: 'succeeded'; attempt: number; statusCode: number }
  | { kind: 'retry'; attempt: number; delayMs: number; error: string }
  | { kind: 'failed'; attempt: number; error: string; reason: string }
  /** Nothing was sent: the delivery is already terminal or gone, or its endpoint is disabled or deleted. */
  | { kind: 'skipped'; reason: string }
  /** Nothing was sent or recorded: the endpoint already has MAX_IN_FLIGHT_PER_ENDPOINT attempts running here. */
  | { kind: 'deferred'; reason: string };

/** A delivery's one attempt: load → build body → sign → send → record → decide. */
@Injectable()
export class DeliveryRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryRunner.name);

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly cipher: Cipher,
    private readonly sender: HttpSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly journal: AttemptJournalRepository,
    private readonly limiter: EndpointLimiter,
  ) {}

  async attempt(job: AttemptJob): Promise<AttemptOutcome> {
    const work = await this.deliveries.loadWork(job.tenantId, job.deliveryId);
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
    if (!release) return { kind: 'deferred', reason: 'endpoint_busy' };
    let sent: SendResult;
    try {
      // Written before the request leaves: if this attempt never records its outcome, the next one logs it as interrupted.
      if (job.trigger === 'scheduled') await this.journal.begin(work.tenantId, work.deliveryId, work.url);
      // Serialised once: these exact bytes are signed and sent.
      const body = buildBody({ id: work.eventId, typeKey: work.eventTypeKey, createdAt: new Date(work.eventCreatedAt), data: work.eventData }, work.customPayload);
      const signature = signedHeaders(this.activeSecrets(work), work.deliveryId, body);
      const custom = work.customHeadersEnc ? this.cipher.decryptJson<Record<string, string>>(work.customHeadersEnc) : {};
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
    const recorded = await this.deliveries.recordAttempt({
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
    });
    if (recorded.webhookDisabled && result === 'failed') {
      this.logger.warn(`Webhook ${work.webhookId} disabled after delivery ${work.deliveryId} failed`);
    }
    if (result === 'succeeded') return { kind: 'succeeded', attempt: recorded.attempt, statusCode: sent.statusCode! };
    if (result === 'retry') return { kind: 'retry', attempt: recorded.attempt, delayMs, error: error! };
    if (result === 'recorded') return { kind: 'failed', attempt: recorded.attempt, error: error!, reason: 'manual_attempt_failed' };
    return { kind: 'failed', attempt: recorded.attempt, error: error!, reason: failureReason! };
  }

  /** The current secret first; the previous one too while its rotation grace lasts. */
  private activeSecrets(work: DeliveryWork): string[] {
    const secrets = [this.cipher.decrypt(work.secretEnc)];
    if (work.previousSecretEnc && work.previousSecretExpiresAt && new Date(work.previousSecretExpiresAt).getTime() > Date.now()) {
      secrets.push(this.cipher.decrypt(work.previousSecretEnc));
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
