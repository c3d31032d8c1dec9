import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { DeliveryRunner } from '@hookline/delivery';
import { DELIVER_JOB, DELIVERY_QUEUE, DeliveryJobPayload } from '@hookline/queue';
import type { Job, Queue } from 'bull';
import { AttemptObserver } from './attempt.observer';

/** Carries the delay the failed attempt chose (schedule, jitter, Retry-After) to Bull's backoff strategy. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** The endpoint is at its in-flight bound: the job comes back shortly, and this does not count as an attempt. */
export class EndpointBusyError extends RetryLaterError {
  constructor(delayMs: number) {
    super('deferred: endpoint at MAX_IN_FLIGHT_PER_ENDPOINT', delayMs);
    // Bull keeps a stack per failure in the job; a deferral is routine and may repeat, so it carries none.
    this.stack = undefined;
  }
}

/** The only file that knows Bull's Job: ids in, the attempt's outcome out as done or throw-to-retry. */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
    private readonly runner: DeliveryRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly observer: AttemptObserver,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.process(DELIVER_JOB, this.config.workerConcurrency, (job: Job<DeliveryJobPayload>) => this.handle(job));
  }

  /**
   * Drain on shutdown, before anything closes: this worker takes no new job (a local pause; other replicas carry on)
   * and waits for its in-flight attempts, each bounded by DELIVERY_TIMEOUT_MS. Past the bound it stops waiting; an
   * attempt cut off there is handed to another worker by Bull's stalled-job check and logged as interrupted.
   */
  async onModuleDestroy(): Promise<void> {
    const boundMs = this.config.deliveryTimeoutMs + 5000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.queue.pause(true).then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), boundMs);
      }),
    ])
      .catch((error: unknown) => {
        this.logger.warn(`Drain interrupted: ${(error as Error).message}`);
        return false;
      })
      .finally(() => clearTimeout(timer));
    if (!drained) this.logger.warn(`Stopped waiting for in-flight attempts after ${boundMs} ms`);
  }

  async handle(job: Job<DeliveryJobPayload>): Promise<string> {
    const { deliveryId, tenantId, trigger = 'scheduled' } = job.data;
    const outcome = await this.runner.attempt({ deliveryId, tenantId, trigger, attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
    // Metrics, the attempt's log line and operational events, once the attempt is recorded; never throws.
    await this.observer.afterAttempt(job.data, outcome);
    switch (outcome.kind) {
      case 'succeeded':
        return `delivered on attempt ${outcome.attempt} (HTTP ${outcome.statusCode})`;
      case 'skipped':
        return `skipped: ${outcome.reason}`;
      case 'deferred':
        // Bull counts every throw as an attempt (moveToFailed adds one to job.attemptsMade before saving it); this one
        // sent nothing, so it is handed back first and the delivery keeps its whole retry schedule. The job waits in
        // Bull's delayed set, not in a worker slot, so a busy endpoint never holds the slots other endpoints need.
        job.attemptsMade -= 1;
        throw new EndpointBusyError(deferDelayMs(this.config.deliveryTimeoutMs));
      case 'retry':
        throw new RetryLaterError(`attempt ${outcome.attempt} failed: ${outcome.error}`, outcome.delayMs);
      case 'failed':
        // Bull would otherwise retry a delivery that ended early (410 Gone); it shows as failed in Bull Board.
        await job.discard();
        throw new Error(`failed (${outcome.reason}) after attempt ${outcome.attempt}: ${outcome.error}`);
    }
  }
}

/** 1–2 s (less under a shorter attempt timeout), spread so deferred jobs do not all come back at once. */
function deferDelayMs(deliveryTimeoutMs: number): number {
  const base = Math.min(1000, deliveryTimeoutMs);
  return Math.round(base * (1 + Math.random()));
}
