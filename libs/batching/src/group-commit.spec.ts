import { GroupCommit } from './group-commit';

/** Lets setImmediate callbacks and settled promises run, at most `turns` event-loop turns, until `done` holds. */
async function until(done: () => boolean, turns = 100): Promise<void> {
  for (let turn = 0; turn < turns && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error('condition not reached');
}

describe('GroupCommit', () => {
  it('flushes a lone item at once and answers it its own result', async () => {
    const commit = new GroupCommit<number, string>(async (items) => items.map((n) => `r${n}`));
    await expect(commit.submit(7)).resolves.toBe('r7');
    expect(commit.pending).toBe(0);
  });

  it('sends what arrives during a flush together in the next one, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const gates: Array<() => void> = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      await new Promise<void>((resolve) => gates.push(resolve));
      return items.map((n) => n * 10);
    });
    const first = commit.submit(1);
    await until(() => gates.length === 1);
    const rest = [commit.submit(2), commit.submit(3), commit.submit(4)];
    expect(commit.pending).toBe(4);
    gates[0]();
    await expect(first).resolves.toBe(10);
    await until(() => gates.length === 2);
    gates[1]();
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails only the item whose result is an Error', async () => {
    const commit = new GroupCommit<number, number>(async (items) => items.map((n) => (n === 2 ? new Error('bad 2') : n)));
    const results = await Promise.allSettled([commit.submit(1), commit.submit(2), commit.submit(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('bad 2');
  });

  it('fails the whole batch when the flush throws', async () => {
    const commit = new GroupCommit<number, number>(async () => {
      throw new Error('connection lost');
    });
    const results = await Promise.allSettled([commit.submit(1), commit.submit(2)]);
    expect(results.every((r) => r.status === 'rejected' && r.reason.message === 'connection lost')).toBe(true);
  });

  it('retries a failed batch one item at a time when told to, so only the bad item fails', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        if (items.includes(2)) throw new Error('row 2 violates a constraint');
        return items;
      },
      { retrySingly: (error) => (error as Error).message.includes('constraint') },
    );
    const results = await Promise.allSettled([commit.submit(1), commit.submit(2), commit.submit(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches[0]).toEqual([1, 2, 3]);
    expect(batches.slice(1).sort()).toEqual([[1], [2], [3]]);
  });

  it('does not retry singly when the error says the whole batch is hopeless', async () => {
    let flushes = 0;
    const commit = new GroupCommit<number, number>(
      async () => {
        flushes++;
        throw new Error('database unavailable');
      },
      { retrySingly: () => false },
    );
    await Promise.allSettled([commit.submit(1), commit.submit(2)]);
    expect(flushes).toBe(1);
  });

  it('keeps each flush within maxBatch by sizeOf, sending an oversized item alone', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        return items;
      },
      { maxBatch: 10, sizeOf: (n) => n },
    );
    await expect(Promise.all([4, 5, 3, 12, 1].map((n) => commit.submit(n)))).resolves.toEqual([4, 5, 3, 12, 1]);
    expect(batches).toEqual([[4, 5], [3], [12], [1]]);
  });

  it('rejects every item of a flush that answers the wrong number of results', async () => {
    const commit = new GroupCommit<number, number>(async () => [1]);
    const results = await Promise.allSettled([commit.submit(1), commit.submit(2)]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });
});
