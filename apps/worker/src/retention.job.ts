import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { RetentionRepository } from '@hookline/db';
import { createUploadStorage, UPLOAD_STORAGE, UploadStorage } from '@hookline/storage';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The first run waits for the worker to settle; later runs follow daily. A restart runs it again (it is idempotent). */
const FIRST_RUN_DELAY_MS = 60_000;
/** Rows per DELETE: each statement is its own short transaction. */
const BATCH = 1000;
/** Bounds one run (10 million rows); whatever is left waits for the next day. */
const MAX_BATCHES_PER_RUN = 10_000;

export interface RetentionSummary {
  deliveries: number;
  events: number;
  uploads: number;
  files: number;
  errorLogs: number;
}

/**
 * Deletes what has outlived RETENTION_DAYS: finished deliveries (their attempts and error logs cascade), events with no
 * delivery left, uploads and their stored files (UPLOAD_DIR or the S3 bucket), and error logs. Daily on every replica, but under an advisory
 * lock so only one prunes at a time; open deliveries and their events are never touched.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionJob.name);
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<RetentionSummary | null> | null = null;
  private stopping = false;
  private batches = 0;

  constructor(
    private readonly retention: RetentionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Injected in the worker; a job built by hand (scripts, tests) makes the configured driver itself.
    @Optional() @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage = createUploadStorage(config),
  ) {}

  onApplicationBootstrap(): void {
    const first = setTimeout(() => {
      void this.runSafely();
      const daily = setInterval(() => void this.runSafely(), DAY_MS);
      daily.unref();
      this.timers.push(daily);
    }, FIRST_RUN_DELAY_MS);
    first.unref();
    this.timers.push(first);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; null when another replica holds the lock. */
  run(now = new Date()): Promise<RetentionSummary | null> {
    if (this.running) return this.running;
    this.running = this.retention.withRetentionLock(() => this.prune(new Date(now.getTime() - this.config.retentionDays * DAY_MS))).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runSafely(): Promise<void> {
    try {
      const summary = await this.run();
      if (summary) this.logger.log(`Retention (${this.config.retentionDays} days) deleted ${JSON.stringify(summary)}`);
    } catch (error) {
      this.logger.warn(`Retention run failed, next one in 24 h: ${(error as Error).message}`);
    }
  }

  private async prune(cutoff: Date): Promise<RetentionSummary> {
    const summary: RetentionSummary = { deliveries: 0, events: 0, uploads: 0, files: 0, errorLogs: 0 };
    this.batches = 0;
    for (const tenantId of await this.retention.tenantIds()) {
      // Deliveries first: an event goes only once no delivery of it is left.
      summary.deliveries += await this.inBatches(() => this.retention.deleteFinishedDeliveries(tenantId, cutoff, BATCH));
      summary.events += await this.inBatches(() => this.retention.deleteSpentEvents(tenantId, cutoff, BATCH));
      summary.errorLogs += await this.inBatches(() => this.retention.deleteErrorLogs(tenantId, cutoff, BATCH));
      summary.uploads += await this.inBatches(async () => {
        const keys = await this.retention.deleteUploads(tenantId, cutoff, BATCH);
        // The row goes first: a crash here leaves an orphan file, never a record pointing at nothing.
        for (const key of keys) if (await this.removeFile(key)) summary.files++;
        return keys.length;
      });
      if (this.stopping || this.batches >= MAX_BATCHES_PER_RUN) break;
    }
    return summary;
  }

  /** Repeats `batch` until it deletes less than a full batch, the run's bound is reached, or the worker is stopping. */
  private async inBatches(batch: () => Promise<number>): Promise<number> {
    let total = 0;
    while (!this.stopping && this.batches < MAX_BATCHES_PER_RUN) {
      this.batches++;
      const deleted = await batch();
      total += deleted;
      if (deleted < BATCH) break;
      await yieldToEventLoop();
    }
    return total;
  }

  private async removeFile(storageKey: string): Promise<boolean> {
    try {
      return await this.storage.remove(storageKey);
    } catch (error) {
      // A key the driver refuses (outside UPLOAD_DIR) or a storage hiccup: the row is gone, the file waits as an orphan.
      this.logger.warn(`Could not remove upload ${storageKey}: ${(error as Error).message}`);
      return false;
    }
  }
}
