import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { OutboxRepository, ProbeTarget, RecoveryRepository } from '@hookline/db';
import { HttpSender, SendResult, SignedRequests } from '@hookline/delivery';
import { DeliveryMetrics } from '@hookline/observability';
import { DeliveryEnqueuer } from '@hookline/queue';
import { randomUUID } from 'node:crypto';
import type { Logger as Pino } from 'pino';
import { OperationalEvents, PROBE_EVENT_TYPE } from './operational-events';
import { WORKER_LOG } from './worker-log';

/** Webhooks claimed per statement, and probed this many at a time. */
const BATCH = 50;
const PARALLEL = 10;
/** Bounds one run (1,000 probes); whatever is left is due at the next tick. */
const MAX_BATCHES_PER_RUN = 20;
/** Deliveries re-opened and queued per statement when a webhook recovers. */
const REPLAY_BATCH = 1000;

export type ProbeOutcome = 'recovered' | 'failed' | 'stale';

/**
 * Auto-recovery. A webhook the platform disabled (failure threshold or 410 Gone; never one its tenant disabled) gets a
 * signed `webhook.probe` POST every RECOVERY_PROBE_INTERVAL, through the same SSRF-safe sender, secrets and custom
 * headers as its deliveries. On the first 2xx it is enabled again with a clean failure count, the deliveries it missed
 * (ended failed since it was disabled, created within RECOVERY_REPLAY_WINDOW) are re-queued in order of creation, and
 * `webhook.recovered` is raised. One replica probes at a time (a session advisory lock); each webhook is claimed once
 * per interval (`last_probe_at`), whatever its probe's outcome.
 */
@Injectable()
export class RecoveryProbeJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopping = false;

  constructor(
    private readonly recovery: RecoveryRepository,
    private readonly outbox: OutboxRepository,
    private readonly sender: HttpSender,
    private readonly requests: SignedRequests,
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly events: OperationalEvents,
    private readonly metrics: DeliveryMetrics,
    @Inject(WORKER_LOG) private readonly log: Pino,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Looks for due webhooks four times per interval (at most once a minute), so a probe is late by a quarter at most. */
  onApplicationBootstrap(): void {
    const tickMs = Math.min(60_000, Math.max(250, Math.floor(this.config.recoveryProbeIntervalMs / 4)));
    this.timer = setInterval(() => void this.runSafely(), tickMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass over the due webhooks; returns how many were probed (0 when another replica holds the lock). */
  run(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.recovery
      .withProbeLock(() => this.probeDue())
      .then((probed) => probed ?? 0)
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async runSafely(): Promise<void> {
    try {
      await this.run();
    } catch (error) {
      this.log.warn({ err_message: (error as Error).message }, 'Recovery probe run failed; the next tick tries again');
    }
  }

  private async probeDue(): Promise<number> {
    let probed = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !this.stopping; batch++) {
      const due = await this.recovery.claimDue(this.config.recoveryProbeIntervalMs, BATCH);
      for (let start = 0; start < due.length; start += PARALLEL) {
        await Promise.all(due.slice(start, start + PARALLEL).map((target) => this.probe(target)));
      }
      probed += due.length;
      if (due.length < BATCH) break;
    }
    return probed;
  }

  /** Probes one webhook and, on a 2xx, recovers it. Never throws. */
  async probe(target: ProbeTarget): Promise<ProbeOutcome> {
    const probeId = randomUUID();
    const requestId = `probe-${probeId}`;
    let sent: SendResult | null = null;
    let outcome: ProbeOutcome = 'failed';
    let replayed = 0;
    try {
      sent = await this.send(target, probeId);
      if (sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300) {
        const recovered = await this.recover(target, sent.statusCode, requestId);
        outcome = recovered === null ? 'stale' : 'recovered';
        replayed = recovered ?? 0;
      }
    } catch (error) {
      // A 2xx whose recovery could not be written: the webhook is probed again at the next interval.
      this.log.error({ webhook_id: target.webhookId, tenant_id: target.tenantId, request_id: requestId, err_message: (error as Error).message }, 'Recovery failed');
    }
    this.metrics.probes.inc({ outcome });
    this.log.info(
      {
        webhook_id: target.webhookId,
        tenant_id: target.tenantId,
        request_id: requestId,
        outcome,
        status_code: sent?.statusCode ?? null,
        duration_ms: sent?.durationMs ?? null,
        error: sent?.error ?? undefined,
        replayed_deliveries: outcome === 'recovered' ? replayed : undefined,
      },
      'Recovery probe',
    );
    return outcome;
  }

  /** Signed and sent like a delivery (same secrets and custom headers: an endpoint behind a gateway can answer it). */
  private send(target: ProbeTarget, probeId: string): Promise<SendResult> {
    const body = JSON.stringify({ id: probeId, type: PROBE_EVENT_TYPE, timestamp: new Date().toISOString(), data: { webhook_id: target.webhookId } });
    return this.sender.send(target.url, this.requests.headers(target, probeId, body), body);
  }

  /** Re-enables, replays in order of creation, then tells the tenant. Null when the webhook changed meanwhile. */
  private async recover(target: ProbeTarget, statusCode: number, requestId: string): Promise<number | null> {
    if (!(await this.recovery.reenable(target.tenantId, target.webhookId, target.disabledAtUs))) return null;
    const recoveredAt = new Date();
    const window = { failedSince: new Date(target.disabledAt), createdSince: new Date(recoveredAt.getTime() - this.config.recoveryReplayWindowMs) };
    const replayed = await this.recovery.reopenMissed(target.tenantId, target.webhookId, window, REPLAY_BATCH, async (ids) => {
      // Queued in the order given: Bull hands waiting jobs out first in, first out.
      const queued = await this.enqueuer.requeue(ids.map((deliveryId) => ({ deliveryId, tenantId: target.tenantId, requestId })));
      await this.outbox.markQueued(queued);
    });
    await this.events.webhookRecovered({ target, recoveredAt, probeStatusCode: statusCode, replayed, requestId });
    return replayed;
  }
}
