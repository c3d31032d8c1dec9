import 'reflect-metadata';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Children, nextMessage } from './children';
import { BenchContext, progress, repeat, RunResult } from './context';
import { createTenant, registerWebhook } from './fixtures';
import { BenchOptions, parseOptions, SectionName } from './options';
import { ReceiverClient } from './receiver.client';
import { BenchResults, emptyResults, Figure, figures, table } from './report';
import { drainRun } from './sections/drain';
import { endToEndRun, fanOutRun, warmUpEndToEnd } from './sections/end-to-end';
import { ingestionRun } from './sections/ingestion';
import { latencyRun } from './sections/latency';
import { memoryRun } from './sections/memory';
import { rawRun, withPairedRaw } from './sections/raw';
import { Stack, tuning, withDatabase } from './stack';
import { formatShare, stealMeter } from './steal';
import { median } from './stats';
import { measureWakeUp, WakeUp } from './wake-up';

/** This file runs as .build/<hash>/bench/run.js (dist links to that build): the checkout is three levels up. */
const RESULTS_DIR = join(__dirname, '..', '..', '..', 'bench', 'results');
const MAIN_SECTIONS: SectionName[] = ['drain', 'e2e', 'fanout', 'latency', 'memory'];

/**
 * `npm run bench`: measures Hookline against the machine's own ceiling (issue 6). Everything it starts (receiver,
 * raw sender, API, worker, bare app) is a child process it kills at the end; every database and Redis key it makes
 * is removed at the end, whatever happened.
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const startedAt = new Date();
  // The build this script runs from: scripts/build.js never changes a build's folder once made, so a build started in
  // another terminal during the run cannot pull files from under the processes started here.
  const build = { dir: join(__dirname, '..') };
  const logDir = await mkdtemp(join(tmpdir(), 'hookline-bench-logs-'));
  const children = new Children(logDir);
  const stacks = new Set<Stack>();
  const results = emptyResults();

  const cleanup = async () => {
    for (const stack of stacks) await stack.destroy();
    stacks.clear();
    await children.stopAll(5000);
  };
  const abort = (why: string) => {
    progress(`aborting: ${why}; cleaning up`);
    const forced = setTimeout(() => process.exit(1), 30_000);
    forced.unref();
    void cleanup().finally(() => process.exit(1));
  };
  process.once('SIGINT', () => abort('interrupted'));
  process.once('SIGTERM', () => abort('terminated'));
  const watchdog = setTimeout(() => abort(`the whole bench ran past ${timeLimitMinutes(options)} minutes`), timeLimitMinutes(options) * 60_000);
  watchdog.unref();

  progress(`mode ${options.quick ? 'quick' : 'full'}: ${options.runs} run(s) per figure, N ${options.n}, backlog ${options.backlog}; logs in ${logDir}`);
  // Before anything else runs, so the machine is quiet; a failure only leaves the line out (the stacks report PostgreSQL).
  const wakeUp = await measureWakeUp(withDatabase(options.databaseUrl, 'postgres')).catch((error: unknown) => {
    progress(`wake-up probe failed: ${(error as Error).message}`);
    return null;
  });
  try {
    const receiver = await ReceiverClient.start(children, build.dir, options.env);
    const ctx: BenchContext = { options, build: build.dir, children, receiver };
    const want = (section: SectionName) => options.sections.includes(section);
    if (want('raw')) results.raw = await repeat('raw ceiling', options.runs, (run) => rawRun(ctx, run));
    if (want('ingestion')) await ingestion(ctx, results, stacks);
    if (MAIN_SECTIONS.some(want)) await pipeline(ctx, results, stacks, want);
  } catch (error) {
    progress(`bench setup failed: ${(error as Error).message}`);
    for (const section of options.sections) if (results[section].length === 0) results[section] = [voided('setup', error)];
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }

  const list = figures(results);
  const finishedAt = new Date();
  process.stdout.write(`\n${heading(options, startedAt, wakeUp)}\n\n${table(list)}\n`);
  const file = await writeResults(options, startedAt, finishedAt, list, results, wakeUp);
  process.stdout.write(`\nResults: ${file}\n`);
  const voids = list.some((figure) => figure.status === 'void');
  if (voids) process.stdout.write(`Child process logs kept in ${logDir}\n`);
  else await rm(logDir, { recursive: true, force: true });
  return voids ? 1 : 0;
}

/** 4. Its own stack with no worker, so the API is measured alone, beside the bare app. */
async function ingestion(ctx: BenchContext, results: BenchResults, stacks: Set<Stack>): Promise<void> {
  const { options, children } = ctx;
  let stack: Stack | null = null;
  try {
    progress('ingestion: starting its database, API and the bare app');
    stack = await Stack.create('ingest', children, ctx.build, options);
    stacks.add(stack);
    await stack.startApi();
    const bare = children.start('bare-app', join(ctx.build, 'bench', 'bare-app.js'), [], options.env);
    const { port } = await nextMessage<{ type: 'ready'; port: number }>(bare, 'ready', 30_000);
    const tenant = await createTenant(stack, 'bench-ingestion');
    const webhook = await registerWebhook(stack, tenant, ctx.receiver.url('/ingestion'));
    const targets = { apiUrl: stack.apiUrl, bareUrl: `http://127.0.0.1:${port}`, tenant, webhookId: webhook.id };
    const current = stack;
    results.ingestion = await repeat('ingestion', options.runs, async () => {
      const run = await ingestionRun(ctx, targets);
      // No worker will take these jobs: drop them so Redis stays small between runs.
      await current.clearQueue();
      return run;
    });
    await children.stop(bare);
  } catch (error) {
    progress(`ingestion: setup failed: ${(error as Error).message}`);
    if (results.ingestion.length === 0) results.ingestion = [voided('setup', error)];
  } finally {
    if (stack) {
      await stack.destroy();
      stacks.delete(stack);
    }
  }
}

/** 2, 3, 5 and 6 share one stack; every run has its own tenant, webhook and receiver path, so their ledgers stay apart. */
async function pipeline(ctx: BenchContext, results: BenchResults, stacks: Set<Stack>, want: (section: SectionName) => boolean): Promise<void> {
  const { options, children } = ctx;
  let stack: Stack | null = null;
  try {
    progress('pipeline: starting its database and API');
    stack = await Stack.create('main', children, ctx.build, options);
    stacks.add(stack);
    await stack.startApi();
    const s = stack;
    // Each rate with the ceiling of its own minute beside it (withPairedRaw); the table's ratios use those pairs.
    if (want('drain')) results.drain = await repeat('worker drain', options.runs, (run) => withPairedRaw(ctx, 'drain', run, () => drainRun(ctx, s, run)));
    if (want('e2e')) {
      // The ceiling first, on a quiet machine: right after a warm-up it read 10–15% low, which flattered the ratio.
      results.e2e = await repeat('end to end', options.runs, (run) =>
        withPairedRaw(ctx, 'e2e', run, async () => {
          const warmUp = await warmUpEndToEnd(ctx, s, run);
          return { ...(await endToEndRun(ctx, s, run)), warmUp };
        }),
      );
    }
    if (want('fanout')) results.fanout = await repeat('fan-out', options.runs, (run) => withPairedRaw(ctx, 'fanout', run, () => fanOutRun(ctx, s, run)));
    if (want('latency')) {
      const e2eRate = median(okValues(results.e2e).map((run) => run.rate));
      results.latency = await repeat('light-load latency', options.runs, (run) => latencyRun(ctx, s, run, e2eRate));
    }
    if (want('memory')) results.memory = await repeat('memory', options.memoryRuns, (run) => memoryRun(ctx, s, run));
  } catch (error) {
    progress(`pipeline: setup failed: ${(error as Error).message}`);
    for (const section of MAIN_SECTIONS) if (want(section) && results[section].length === 0) results[section] = [voided('setup', error)];
  } finally {
    if (stack) {
      await stack.destroy();
      stacks.delete(stack);
    }
  }
}

function okValues<T>(runs: Array<RunResult<T>>): T[] {
  return runs.flatMap((run) => (run.status === 'ok' ? [run.value] : []));
}

function voided(stage: string, error: unknown): { status: 'void'; reason: string } {
  return { status: 'void', reason: `${stage} failed: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * A last-resort bound on the whole run, at the same floor as each wait inside (100 requests or deliveries a
 * second), which have their own, tighter bounds.
 */
function timeLimitMinutes(options: BenchOptions): number {
  if (options.quick) return 5;
  const work = options.runs * (options.rawN + 2 * options.n + options.fanoutWebhooks) + options.memoryRuns * options.backlog;
  return 10 + Math.ceil(work / 100 / 60);
}

function machine() {
  const cpu = cpus();
  return { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: `${process.platform} ${process.arch}` };
}

function heading(options: BenchOptions, startedAt: Date, wakeUp: WakeUp | null): string {
  const m = machine();
  return [
    `Hookline bench, ${startedAt.toISOString()}, ${options.quick ? 'quick' : 'full'} mode`,
    `${m.cpuModel} × ${m.cpus} cores, ${m.memoryGb} GB, Node ${m.node}`,
    `median of ${options.runs} run(s); N ${options.n} (raw ${options.rawN}), fan-out ${options.fanoutWebhooks} webhooks, ` +
      `ingestion ${options.ingestSeconds} s × ${options.inFlight} connections, memory backlog ${options.backlog}`,
    `app settings: ${Object.entries(tuning(options.env))
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')}`,
    stealLine(),
    wakeUpLine(wakeUp),
  ].join('\n');
}

/** What one hop between processes costs here when the machine is busy and when it has been idle (see wake-up.ts). */
function wakeUpLine(wakeUp: WakeUp | null): string {
  if (!wakeUp) return 'PostgreSQL round trip: not measured';
  return (
    `PostgreSQL round trip (SELECT 1, median): ${wakeUp.backToBackMs.toFixed(2)} ms back to back, ${wakeUp.afterIdleMs.toFixed(2)} ms after ` +
    `${wakeUp.idleMs} ms idle; publish→arrival wakes a process about ten times (API, Redis, PostgreSQL, worker, receiver), each nearer the second figure than the first under light load`
  );
}

/** Figures from runs that lost CPU to other guests are not comparable with a quiet machine's: say so with them. */
function stealLine(): string {
  const worst = stealMeter.worst();
  const whole = `CPU steal (time the hypervisor gave other guests): ${formatShare(stealMeter.whole())} over the whole bench`;
  if (!worst) return whole;
  const warning = worst.steal >= 0.05 ? '; above 5% the absolute figures understate this machine, compare the ratios' : '';
  return `${whole}, worst run ${formatShare(worst.steal)} (${worst.label} ${worst.run})${warning}`;
}

async function writeResults(options: BenchOptions, startedAt: Date, finishedAt: Date, list: Figure[], results: BenchResults, wakeUp: WakeUp | null): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${startedAt.toISOString().replace(/:/g, '-')}.json`);
  const { env: _env, databaseUrl: _db, redisUrl: _redis, ...settings } = options;
  const document = { startedAt, finishedAt, mode: options.quick ? 'quick' : 'full', settings, appSettings: tuning(options.env), machine: machine(), wakeUp, cpuSteal: { whole: stealMeter.whole(), runs: stealMeter.records }, figures: list, runs: results };
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
