/** One item's share of a flush: its own result, or an Error for that item alone. */
export type FlushResult<O> = O | Error;

export interface GroupCommitOptions<I> {
  /** Largest flush, by `sizeOf` (one per item by default); the rest go in the next one. A larger item goes alone. */
  maxBatch?: number;
  sizeOf?: (item: I) => number;
  /**
   * When a flush of several items throws and this answers true, the items are flushed again one at a time, so one bad
   * item fails alone rather than taking the items it happened to share a statement with down too. Only for flushes
   * that are all-or-nothing (one statement, or one transaction).
   */
  retrySingly?: (error: unknown) => boolean;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Each caller hands in one item and waits for its own result; whatever arrives while a flush is out
 * goes in the next one, which leaves the moment the previous returns. Under light load a flush carries a single item,
 * so nothing waits on a timer; under load many callers share one round trip instead of one each (on this kind of
 * machine a round trip costs far more CPU than the rows it carries). A caller's promise settles only after the flush
 * holding its item has returned: for writes, after the commit.
 */
export class GroupCommit<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private running = false;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly sizeOf: (item: I) => number;

  /**
   * @param flush  handles a batch; answers one result per item, in order (an Error fails that item only); a throw
   *               fails the whole batch (see `retrySingly`).
   */
  constructor(
    private readonly flush: (items: I[]) => Promise<Array<FlushResult<O>>>,
    private readonly options: GroupCommitOptions<I> = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.sizeOf = options.sizeOf ?? (() => 1);
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting or being flushed. */
  get pending(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop: callers woken by the same burst of I/O share the first flush.
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  /** How many waiting items fit one flush. */
  private takeable(): number {
    let size = 0;
    let count = 0;
    for (const entry of this.waiting) {
      size += this.sizeOf(entry.item);
      if (count > 0 && size > this.maxBatch) break;
      count++;
    }
    return count;
  }

  private async run(): Promise<void> {
    if (this.running || this.waiting.length === 0) return;
    this.running = true;
    const batch = this.waiting.splice(0, this.takeable());
    try {
      const results = await this.flushed(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => {
        const result = results[index];
        if (result instanceof Error) entry.reject(result);
        else entry.resolve(result);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.running = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }

  private async flushed(items: I[]): Promise<Array<FlushResult<O>>> {
    try {
      return checked(items.length, await this.flush(items));
    } catch (error) {
      if (items.length === 1 || !this.options.retrySingly?.(error)) throw error;
      return Promise.all(
        items.map((item) =>
          this.flush([item]).then(
            (results) => checked(1, results)[0],
            (failure: unknown) => (failure instanceof Error ? failure : new Error(String(failure))),
          ),
        ),
      );
    }
  }
}

function checked<O>(expected: number, results: Array<FlushResult<O>>): Array<FlushResult<O>> {
  if (results.length !== expected) throw new Error(`A flush of ${expected} items answered ${results.length} results`);
  return results;
}
