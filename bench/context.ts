import { Children } from './children';
import { BenchOptions } from './options';
import { ReceiverClient } from './receiver.client';
import { formatShare, stealMeter } from './steal';

export interface BenchContext {
  options: BenchOptions;
  /** The build (its folder under .build/, which never changes) every child process is started from. */
  build: string;
  children: Children;
  receiver: ReceiverClient;
}

/** The thing to measure is not there (yet): reported as such, not as a failure. */
export class Unavailable extends Error {}

/** A run whose figure cannot be trusted: its ledger does not balance, or it timed out. */
export class Void extends Error {}

export type RunResult<T> = { status: 'ok'; value: T } | { status: 'void' | 'unavailable'; reason: string };

/**
 * Runs `fn` once per run. A thrown error voids that run (its message is the reason) and the next run still happens;
 * an Unavailable ends the repetition, since it would only say the same again.
 */
export async function repeat<T>(label: string, runs: number, fn: (run: number) => Promise<T>): Promise<Array<RunResult<T>>> {
  const results: Array<RunResult<T>> = [];
  for (let run = 1; run <= runs; run += 1) {
    progress(`${label}: run ${run}/${runs}`);
    try {
      results.push({ status: 'ok', value: await stealMeter.measure(label, run, () => fn(run)) });
      const stolen = stealMeter.records.at(-1);
      if (stolen && stolen.label === label && stolen.run === run && stolen.steal >= 0.02) progress(`${label}: run ${run} lost ${formatShare(stolen.steal)} of the CPU to the hypervisor (steal)`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof Unavailable) {
        progress(`${label}: unavailable: ${reason}`);
        results.push({ status: 'unavailable', reason });
        break;
      }
      progress(`${label}: VOID: ${reason}`);
      results.push({ status: 'void', reason });
    }
  }
  return results;
}

/** Progress goes to stderr so stdout carries only the table. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
