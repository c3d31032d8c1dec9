/**
 * Wall-clock milliseconds with sub-millisecond precision that agree across processes on one machine, so a publish
 * time taken here and an arrival time taken in the receiver process can be subtracted.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
