import { Injectable } from '@nestjs/common';
import { GroupCommit } from '@hookline/batching';
import { AttemptBatchRepository, AttemptRecord, isDatabaseUnavailable, LoadedWork, RecordedAttempt, WorkRequest } from '@hookline/db';

/** Large enough that a whole worker's attempts fit one statement; small enough to keep each statement short. */
const MAX_BATCH = 500;
/** Every flush is one statement or one transaction: all or nothing, so a failed batch may be retried item by item. */
const BATCH_OPTIONS = { maxBatch: MAX_BATCH, retrySingly: (error: unknown) => !isDatabaseUnavailable(error) };

/**
 * The runner's way to PostgreSQL on the hot path: the loads (with their journal marks) and the outcomes of the
 * attempts in flight go out in shared statements (group commit) instead of several round trips each. A caller still
 * waits for its own row: an outcome is committed before its job completes. A batch that fails for any reason but an
 * unreachable database is retried one item at a time, so one bad row never fails the attempts it shared a statement
 * with.
 */
@Injectable()
export class AttemptStore {
  private readonly loads: GroupCommit<WorkRequest, LoadedWork | null>;
  private readonly records: GroupCommit<AttemptRecord, RecordedAttempt>;
  private readonly unmarks: GroupCommit<string, void>;

  constructor(batches: AttemptBatchRepository) {
    this.loads = new GroupCommit((requests) => batches.load(requests), BATCH_OPTIONS);
    this.records = new GroupCommit((records) => batches.record(records), BATCH_OPTIONS);
    this.unmarks = new GroupCommit<string, void>(async (ids) => {
      await batches.unmarkStarted(ids);
      return ids.map(() => undefined);
    }, BATCH_OPTIONS);
  }

  /** The delivery with its endpoint and event (null when gone); a scheduled attempt is marked started with it. */
  load(tenantId: string, deliveryId: string, scheduled: boolean): Promise<LoadedWork | null> {
    return this.loads.submit({ tenantId, deliveryId, journal: scheduled });
  }

  /** Takes back the mark of a loaded attempt that will not be sent now. */
  unmarkStarted(deliveryId: string): Promise<void> {
    return this.unmarks.submit(deliveryId);
  }

  /** Resolves once the attempt row and the delivery's new state are committed. */
  record(record: AttemptRecord): Promise<RecordedAttempt> {
    return this.records.submit(record);
  }
}
