import { RunResult } from './context';
import { SectionName } from './options';
import { DrainRun } from './sections/drain';
import { EndToEndRun } from './sections/end-to-end';
import { IngestionRun, LoadResult } from './sections/ingestion';
import { LatencyRun } from './sections/latency';
import { MemoryRun } from './sections/memory';
import { RawRun } from './sections/raw';
import { median } from './stats';

export interface BenchResults {
  raw: Array<RunResult<RawRun>>;
  drain: Array<RunResult<DrainRun>>;
  e2e: Array<RunResult<EndToEndRun>>;
  fanout: Array<RunResult<EndToEndRun>>;
  ingestion: Array<RunResult<IngestionRun>>;
  latency: Array<RunResult<LatencyRun>>;
  memory: Array<RunResult<MemoryRun>>;
}

export function emptyResults(): BenchResults {
  return { raw: [], drain: [], e2e: [], fanout: [], ingestion: [], latency: [], memory: [] };
}

type Status = 'ok' | 'void' | 'unavailable' | 'skipped';
/** A figure picked from one run: a number, or why that run has none. */
type Picked = number | { unavailable: string } | { void: string };

interface Target {
  text: string;
  /** `rawRatio`: the figure's own ratio to the raw ceiling when it was measured in pairs (see `paired`). */
  met(value: number, refs: { raw: number | null; bare: number | null; rawRatio: number | null }): boolean | null;
}

interface Spec<T> {
  section: SectionName;
  label: string;
  unit: 'req/s' | 'deliveries/s' | 'ms' | 'MB' | 'keys';
  pick(run: T): Picked;
  ratio?: Array<'raw' | 'bare'>;
  /** The raw ceiling measured just before the run (withPairedRaw): the ratio is then the median of per-run ratios. */
  paired?(run: T): number | undefined;
  target?: Target;
}

export interface Figure {
  section: SectionName;
  label: string;
  unit: string;
  status: Status;
  /** Median over the runs (null unless status is ok). */
  value: number | null;
  runs: Array<number | null>;
  reason: string | null;
  ratioToRaw: number | null;
  /** Per run: the raw ceiling measured just before it, for figures measured in pairs. */
  pairedRaw?: Array<number | null>;
  ratioToBare: number | null;
  target: string | null;
  met: boolean | null;
}

const atLeastTimesRaw = (factor: number): Target => ({
  text: `≥ ${factor} × raw`,
  met: (value, { raw, rawRatio }) => (rawRatio !== null ? rawRatio >= factor : raw === null ? null : value >= factor * raw),
});
const atLeastTimesBare = (factor: number): Target => ({
  text: `≥ ${factor} × bare`,
  met: (value, { bare }) => (bare === null ? null : value >= factor * bare),
});
const below = (limit: number, unit: string): Target => ({ text: `< ${limit} ${unit}`, met: (value) => value < limit });
const exactly = (wanted: number): Target => ({ text: `= ${wanted}`, met: (value) => value === wanted });

function load(run: IngestionRun, key: keyof IngestionRun, field: keyof LoadResult): Picked {
  const result = run[key];
  return 'rps' in result ? result[field] : result;
}

const MB = 1024 * 1024;

/** Every figure of the table, in order, with where it comes from and its target from the issue. */
const SPECS: Array<Spec<any>> = [
  { section: 'raw', label: 'raw ceiling: signed 1 KiB POSTs (undici, 50 in flight)', unit: 'req/s', pick: (r: RawRun) => r.rate },
  { section: 'drain', label: 'worker drain (backlog, worker started after)', unit: 'deliveries/s', pick: (r: DrainRun) => r.rate, ratio: ['raw'], paired: (r: DrainRun) => r.pairedRaw, target: atLeastTimesRaw(0.15) },
  { section: 'e2e', label: 'end to end: POST /v1/events → receiver (1 webhook)', unit: 'deliveries/s', pick: (r: EndToEndRun) => r.rate, ratio: ['raw'], paired: (r: EndToEndRun) => r.pairedRaw, target: atLeastTimesRaw(0.1) },
  { section: 'fanout', label: 'end to end, fan-out: 1 event → 1,000 webhooks', unit: 'deliveries/s', pick: (r: EndToEndRun) => r.rate, ratio: ['raw'], paired: (r: EndToEndRun) => r.pairedRaw, target: atLeastTimesRaw(0.1) },
  { section: 'ingestion', label: 'ingestion POST /v1/events', unit: 'req/s', pick: (r: IngestionRun) => load(r, 'events', 'rps'), ratio: ['raw', 'bare'], target: atLeastTimesBare(0.5) },
  { section: 'ingestion', label: '  p50 latency', unit: 'ms', pick: (r: IngestionRun) => load(r, 'events', 'p50Ms') },
  { section: 'ingestion', label: '  p99 latency', unit: 'ms', pick: (r: IngestionRun) => load(r, 'events', 'p99Ms'), target: below(20, 'ms') },
  { section: 'ingestion', label: 'ingestion POST /upload_file (1 KiB multipart)', unit: 'req/s', pick: (r: IngestionRun) => load(r, 'upload', 'rps'), ratio: ['raw', 'bare'], target: atLeastTimesBare(0.5) },
  { section: 'ingestion', label: '  p50 latency', unit: 'ms', pick: (r: IngestionRun) => load(r, 'upload', 'p50Ms') },
  { section: 'ingestion', label: '  p99 latency', unit: 'ms', pick: (r: IngestionRun) => load(r, 'upload', 'p99Ms'), target: below(20, 'ms') },
  { section: 'ingestion', label: 'bare NestJS endpoint answering 202', unit: 'req/s', pick: (r: IngestionRun) => load(r, 'bare', 'rps'), ratio: ['raw'] },
  { section: 'ingestion', label: '  p50 latency', unit: 'ms', pick: (r: IngestionRun) => load(r, 'bare', 'p50Ms') },
  { section: 'ingestion', label: '  p99 latency', unit: 'ms', pick: (r: IngestionRun) => load(r, 'bare', 'p99Ms') },
  { section: 'latency', label: 'light load (10% of e2e) publish→arrival p50', unit: 'ms', pick: (r: LatencyRun) => r.p50Ms },
  { section: 'latency', label: 'light load (10% of e2e) publish→arrival p99', unit: 'ms', pick: (r: LatencyRun) => r.p99Ms, target: below(50, 'ms') },
  { section: 'memory', label: 'backlog drain rate (memory run)', unit: 'deliveries/s', pick: (r: MemoryRun) => r.rate, ratio: ['raw'] },
  { section: 'memory', label: 'worker RSS, max during backlog', unit: 'MB', pick: (r: MemoryRun) => r.worker.maxMb, target: below(300, 'MB') },
  { section: 'memory', label: 'worker RSS, end of backlog', unit: 'MB', pick: (r: MemoryRun) => r.worker.endMb, target: below(300, 'MB') },
  { section: 'memory', label: 'API RSS, max during backlog', unit: 'MB', pick: (r: MemoryRun) => r.api.maxMb, target: below(300, 'MB') },
  { section: 'memory', label: 'API RSS, end of backlog', unit: 'MB', pick: (r: MemoryRun) => r.api.endMb, target: below(300, 'MB') },
  { section: 'memory', label: 'Redis used_memory before backlog', unit: 'MB', pick: (r: MemoryRun) => r.redis.beforeBytes / MB },
  { section: 'memory', label: 'Redis used_memory, backlog queued', unit: 'MB', pick: (r: MemoryRun) => r.redis.peakBytes / MB },
  { section: 'memory', label: 'Redis used_memory after drain', unit: 'MB', pick: (r: MemoryRun) => r.redis.afterBytes / MB },
  { section: 'memory', label: 'Redis growth (after − before)', unit: 'MB', pick: (r: MemoryRun) => (r.redis.afterBytes - r.redis.beforeBytes) / MB, target: below(16, 'MB') },
  { section: 'memory', label: 'job hashes left in Redis after drain', unit: 'keys', pick: (r: MemoryRun) => r.redis.jobKeysLeft, target: exactly(0) },
];

function collect<T>(runs: Array<RunResult<T>>, pick: (run: T) => Picked): Omit<Figure, 'section' | 'label' | 'unit' | 'ratioToRaw' | 'ratioToBare' | 'target' | 'met'> {
  if (runs.length === 0) return { status: 'skipped', value: null, runs: [], reason: 'not run (--only)' };
  const values: Array<number | null> = [];
  let voided: string | null = null;
  let unavailable: string | null = null;
  for (const run of runs) {
    if (run.status === 'void') voided ??= run.reason;
    if (run.status === 'unavailable') unavailable ??= run.reason;
    if (run.status !== 'ok') {
      values.push(null);
      continue;
    }
    const picked = pick(run.value);
    if (typeof picked === 'number') values.push(picked);
    else {
      if ('void' in picked) voided ??= picked.void;
      else unavailable ??= picked.unavailable;
      values.push(null);
    }
  }
  if (voided) return { status: 'void', value: null, runs: values, reason: voided };
  if (unavailable) return { status: 'unavailable', value: null, runs: values, reason: unavailable };
  return { status: 'ok', value: median(values as number[]), runs: values, reason: null };
}

export function figures(results: BenchResults): Figure[] {
  const raw = collect(results.raw, (r: RawRun) => r.rate).value;
  const bareRps = collect(results.ingestion, (r: IngestionRun) => load(r, 'bare', 'rps')).value;
  return SPECS.map((spec) => {
    const runs = results[spec.section] as Array<RunResult<unknown>>;
    const figure = collect(runs, spec.pick);
    const ok = figure.value !== null;
    const paired = spec.paired ? pairedRatios(runs, spec) : null;
    return {
      section: spec.section,
      label: spec.label,
      unit: spec.unit,
      ...figure,
      ratioToRaw: ok && spec.ratio?.includes('raw') ? (paired?.ratio ?? (raw ? (figure.value as number) / raw : null)) : null,
      ...(paired ? { pairedRaw: paired.ceilings } : {}),
      ratioToBare: ok && spec.ratio?.includes('bare') && bareRps ? (figure.value as number) / bareRps : null,
      target: spec.target?.text ?? null,
      met: ok && spec.target ? spec.target.met(figure.value as number, { raw, bare: bareRps, rawRatio: paired?.ratio ?? null }) : null,
    };
  });
}

/** The median over the ok runs of rate / the ceiling measured just before it; null ratio unless every ok run has one. */
function pairedRatios(runs: Array<RunResult<unknown>>, spec: Spec<any>): { ratio: number | null; ceilings: Array<number | null> } {
  const ratios: number[] = [];
  const ceilings = runs.map((run) => {
    if (run.status !== 'ok') return null;
    const value = spec.pick(run.value);
    const ceiling = spec.paired?.(run.value) ?? null;
    if (typeof value === 'number' && ceiling) ratios.push(value / ceiling);
    return ceiling;
  });
  const complete = ratios.length > 0 && ratios.length === runs.filter((run) => run.status === 'ok').length;
  return { ratio: complete ? median(ratios) : null, ceilings };
}

function format(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (unit === 'ms' || unit === 'MB') return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

/** The table printed to stdout: each figure run, its runs, its ratios and whether it meets the target. */
export function table(list: Figure[]): string {
  const header = ['figure', 'value', 'unit', '× raw', '× bare', 'target', 'met', 'runs'];
  const rows = list.filter((f) => f.status !== 'skipped').map((f) => {
    const value = f.status === 'ok' ? format(f.value, f.unit) : f.status.toUpperCase();
    const met = f.status !== 'ok' ? (f.target ? f.status : '') : f.met === null ? '' : f.met ? 'met' : 'NOT MET';
    const runs = f.runs.length > 1 ? f.runs.map((v) => format(v, f.unit)).join(' / ') : '';
    return [f.label, value, f.unit, ratio(f.ratioToRaw), ratio(f.ratioToBare), f.target ?? '', met, runs];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 || i === 7 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' │ ').trimEnd();
  // One note per section and reason: a voided section voids all of its rows for the same reason.
  const unique = [...new Set(list.filter((f) => f.reason && f.status !== 'skipped').map((f) => `  ${f.section}: ${f.status.toUpperCase()}: ${f.reason}`))];
  const pairedNote = list.some((f) => f.pairedRaw && f.ratioToRaw !== null)
    ? ['', '× raw of the drain, end-to-end and fan-out rows: the median over their runs of each run\'s rate over a raw-ceiling run taken', 'just before it (its figures in the JSON as pairedRaw), so that both saw the machine in the same minute.']
    : [];
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line), ...pairedNote, ...(unique.length ? ['', ...unique] : [])].join('\n');
}

function ratio(value: number | null): string {
  return value === null ? '' : value.toFixed(3);
}
