import { readFileSync } from 'node:fs';

/** The machine-wide CPU counters of /proc/stat's first line (Linux), in clock ticks. */
interface CpuTicks {
  steal: number;
  total: number;
}

export interface StealRecord {
  label: string;
  run: number;
  /** Share of all CPU time, over the run, that the hypervisor gave to other guests (0..1). */
  steal: number;
}

/**
 * CPU steal: time this virtual machine's cores were ready to run but the hypervisor ran someone else. Every figure
 * here is a rate on a CPU-bound machine, so a run with steal is slower for reasons outside Hookline; the bench
 * reports it beside the figures (and the ratios, measured in the same run, move less than the absolute figures).
 */
export class StealMeter {
  readonly records: StealRecord[] = [];
  private readonly first = readTicks();

  /** Runs `fn` and records the steal over it; null steal where /proc/stat cannot be read. */
  async measure<T>(label: string, run: number, fn: () => Promise<T>): Promise<T> {
    const before = readTicks();
    try {
      return await fn();
    } finally {
      const share = stealShare(before, readTicks());
      if (share !== null) this.records.push({ label, run, steal: share });
    }
  }

  /** Over the whole bench so far. */
  whole(): number | null {
    return stealShare(this.first, readTicks());
  }

  worst(): StealRecord | null {
    return this.records.reduce<StealRecord | null>((worst, record) => (worst === null || record.steal > worst.steal ? record : worst), null);
  }
}

export function formatShare(share: number | null): string {
  return share === null ? 'unknown' : `${(share * 100).toFixed(1)}%`;
}

function stealShare(from: CpuTicks | null, to: CpuTicks | null): number | null {
  if (!from || !to || to.total <= from.total) return null;
  return (to.steal - from.steal) / (to.total - from.total);
}

function readTicks(): CpuTicks | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    if (fields.length < 8 || fields.some((value) => !Number.isFinite(value))) return null;
    // guest time is already counted in user and nice
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { steal: fields[7], total };
  } catch {
    return null;
  }
}

/** One meter for the whole bench: `repeat` measures every run with it, the report prints what it saw. */
export const stealMeter = new StealMeter();
