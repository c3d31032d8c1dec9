import { loadConfig } from '@hookline/config';
import { parseArgs } from 'node:util';

export const SECTIONS = ['raw', 'drain', 'e2e', 'fanout', 'ingestion', 'latency', 'memory'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Measured runs per figure; each figure is their median. */
  runs: number;
  /** Deliveries for the worker drain and events for end to end. */
  n: number;
  /** Signed POSTs for the raw ceiling: more than `n`, since at ~40,000/s 20,000 would be over in half a second. */
  rawN: number;
  fanoutWebhooks: number;
  ingestSeconds: number;
  /** Load before each measured ingestion interval, not counted. */
  ingestWarmupSeconds: number;
  latencySeconds: number;
  /** Deliveries in the memory backlog. */
  backlog: number;
  memoryRuns: number;
  inFlight: number;
  sections: SectionName[];
  /** Where the bench creates its database (same server, its own database name) and its Redis queue prefix. */
  databaseUrl: string;
  redisUrl: string;
  /** Handed to every child process, so WORKER_CONCURRENCY and the like can be tried without editing anything. */
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: npm run bench [-- --quick] [--n N] [--runs R] [--backlog B] [--only raw,drain,e2e,fanout,ingestion,latency,memory]
  --quick     one run of each figure with small counts (the CI mode, under a minute)
  --n         deliveries drained and events published end to end (default 20000; quick 1000)
  --runs      runs per figure, the figure is their median (default 3; quick 1)
  --backlog   deliveries in the memory backlog (default 100000; quick 5000)
  --memory-runs  runs of the memory backlog (default 1: its figures are maxima over a long drain)
  --only      comma-separated sections to run (default all)
Environment: DATABASE_URL (the bench creates and drops its own database on that server), REDIS_URL, and any Hookline
variable (WORKER_CONCURRENCY, ...) is passed to the API and worker it starts.`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      n: { type: 'string' },
      runs: { type: 'string' },
      backlog: { type: 'string' },
      'memory-runs': { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const n = positiveInt('--n', values.n, quick ? 1000 : 20_000);
  const sections = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
  for (const section of sections) {
    if (!(SECTIONS as readonly string[]).includes(section)) usageError(`unknown section "${section}"`);
  }
  // Only the two connection strings are read here, through the same parser the apps use.
  const config = loadConfig({ DATABASE_URL: env.DATABASE_URL, REDIS_URL: env.REDIS_URL });
  return {
    quick,
    runs: positiveInt('--runs', values.runs, quick ? 1 : 3),
    n,
    rawN: quick ? 10_000 : Math.max(n, 100_000),
    fanoutWebhooks: 1000,
    ingestSeconds: quick ? 2 : 10,
    ingestWarmupSeconds: quick ? 0.5 : 2,
    latencySeconds: quick ? 3 : 10,
    backlog: positiveInt('--backlog', values.backlog, quick ? 5000 : 100_000),
    memoryRuns: positiveInt('--memory-runs', values['memory-runs'], 1),
    inFlight: 50,
    sections: sections as SectionName[],
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    env,
  };
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) usageError(`${name} must be a positive integer (got "${raw}")`);
  return value;
}

function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}
