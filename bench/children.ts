import { ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { now } from './clock';

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  logFile: string;
  /** Settles when the process exits, with its code or signal. */
  exited: Promise<string>;
  hasExited(): boolean;
}

/**
 * Every process the bench starts goes through here, so every one of them is killed when the bench ends, whether it
 * finished, failed, timed out or was interrupted. Output goes to one log file per process, whose tail explains a
 * child that died.
 */
export class Children {
  private readonly live = new Set<Child>();
  private started = 0;

  constructor(private readonly logDir: string) {
    process.once('exit', () => this.killAllNow());
  }

  /** Starts `node <script>` with an IPC channel; stdout and stderr go to `<logDir>/<name>.log`. */
  start(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): Child {
    const logFile = join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = fork(script, args, { env, stdio: ['ignore', fd, fd, 'ipc'], execArgv: nodeArgs(name, ++this.started) });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) throw new Error(`${name} did not start`);
    let done = false;
    const entry: Child = {
      name,
      process: child,
      pid: child.pid,
      logFile,
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          done = true;
          this.live.delete(entry);
          resolve(signal ?? `exit code ${code}`);
        });
      }),
      hasExited: () => done,
    };
    // A child that cannot be reached over IPC any more is not worth an unhandled 'error' that ends the bench.
    child.on('error', () => undefined);
    this.live.add(entry);
    return entry;
  }

  /** SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
  async stop(child: Child, graceMs = 10_000): Promise<void> {
    if (child.hasExited()) return;
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
    try {
      await child.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.live].map((child) => this.stop(child, graceMs)));
  }

  /** Synchronous, for the process 'exit' handler: whatever is still running is killed outright. */
  killAllNow(): void {
    for (const child of this.live) child.process.kill('SIGKILL');
  }

  /** The last lines a child wrote, to explain a failure. */
  static tail(child: Child, lines = 15): string {
    try {
      return readFileSync(child.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** Resident set size of a process in MB, from /proc (Linux); null elsewhere or once it has exited. */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Waits for one IPC message of `type` from a child, bounded; fails at once if the child exits first. */
export function nextMessage<T extends { type: string }>(child: Child, type: string, timeoutMs: number, rid?: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = now();
    const onMessage = (message: unknown) => {
      const m = message as T & { rid?: number };
      if (m?.type !== type || (rid !== undefined && m.rid !== rid)) return;
      cleanup();
      resolve(m);
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${child.name} exited before sending "${type}"\n${Children.tail(child)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.name} sent no "${type}" within ${Math.round(now() - started)} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
    };
    child.process.on('message', onMessage);
    child.process.once('exit', onExit);
    if (child.hasExited()) onExit();
  });
}

/**
 * BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is handed to every child: Node refuses --cpu-prof in
 * NODE_OPTIONS. Each profile is named after its child, so the API's and the worker's are easy to find.
 */
function nodeArgs(name: string, seq: number): string[] {
  const args = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (args.includes('--cpu-prof')) args.push(`--cpu-prof-name=${String(seq).padStart(2, '0')}-${name}.cpuprofile`);
  return args;
}

/** The pids of a process and all its descendants (a worker that forks its own processes is measured whole). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length && pids.length < 256; i += 1) {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pids[i]}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        for (const child of readFileSync(`/proc/${pids[i]}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean)) pids.push(Number(child));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return pids;
}
