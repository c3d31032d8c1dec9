import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { AttemptJournalRepository, DeliveriesRepository, DeliveryWork } from '@hookline/db';
import { AttemptFacts, AttemptJob, AttemptOutcome, decideAttempt, outcomeOf } from './attempt-outcome';
import { AttemptStore } from './attempt-store';
import { buildBody } from './body';
import { EndpointLimiter } from './endpoint-limiter';
import { HttpSender, SendResult } from './http-sender';
import { SignedRequests } from './signed-request';

/** A delivery's one attempt: load → build body → sign → send → record → decide. */
@Injectable()
export class DeliveryRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryRunner.name);

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly requests: SignedRequests,
    private readonly sender: HttpSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly journal: AttemptJournalRepository,
    private readonly limiter: EndpointLimiter,
    private readonly store: AttemptStore,
  ) {}

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
      const headers = this.signedHeaders(work, body);
      sent = headers ? await this.sender.send(work.url, headers, body) : unreadableCredentials();
    } finally {
      release();
    }
    // A failure to record throws: the job retries and the receiver deduplicates on webhook-id; never a success unrecorded.
    return this.record(job, work, sent);
  }

  private async record(job: AttemptJob, work: DeliveryWork, sent: SendResult): Promise<AttemptOutcome> {
    const decision = decideAttempt(job, sent, this.config);
    const recorded = await this.store.record({
      tenantId: work.tenantId,
      deliveryId: work.deliveryId,
      webhookId: work.webhookId,
      trigger: job.trigger,
      url: work.url,
      statusCode: sent.statusCode,
      durationMs: sent.durationMs,
      error: decision.error,
      responseExcerpt: sent.responseExcerpt,
      result: decision.result,
      nextAttemptAt: decision.nextAttemptAt,
      failureReason: decision.failureReason,
      disableReason: decision.disableReason,
      disableAfterFailures: this.config.disableAfterFailures,
      resetFailures: work.consecutiveFailures !== 0,
    });
    if (recorded.webhookDisabled && decision.result === 'failed') {
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
    return outcomeOf(decision, recorded, facts);
  }

  /**
   * Null when the webhook's secret or headers cannot be decrypted for its row (tampered with, copied from another
   * row, or under a key no longer configured): nothing is sent, and the attempt fails with a reason instead of the
   * job failing without a record.
   */
  private signedHeaders(work: DeliveryWork, body: string): Record<string, string> | null {
    try {
      return this.requests.headers(work, work.deliveryId, body);
    } catch (error) {
      this.logger.error(`Webhook ${work.webhookId}: its secret or custom headers cannot be decrypted: ${(error as Error).message}`);
      return null;
    }
  }

  /** After the worker has drained (its processor stops in onModuleDestroy), so no attempt loses its connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }
}

function unreadableCredentials(): SendResult {
  return {
    statusCode: null,
    durationMs: 0,
    responseExcerpt: null,
    retryAfter: null,
    error: "not sent: the webhook's secret or custom headers cannot be decrypted for it (see the worker log)",
    errorCode: 'credentials_unreadable',
  };
}
