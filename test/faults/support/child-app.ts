import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The built apps: dist/ (npm run build), or HOOKLINE_DIST when a build was written elsewhere (tsc --outDir). */
const DIST = join(process.env.HOOKLINE_DIST ?? join(__dirname, '..', '..', '..', 'dist'), 'apps');
/** The worker logs a JSON line per attempt at info: enough lines kept for a few hundred deliveries. */
const OUTPUT_LINES = 2000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `everyMs` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitUntil<T>(what: string, check: () => T | Promise<T>, timeoutMs: number, everyMs = 50): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

/**
 * The real built API or worker (`npm run build` → dist/apps/<kind>/src/main.js) as a child process, with only the
 * environment it is given, so a test can SIGKILL or SIGTERM it like an orchestrator would.
 */
export class ChildApp {
  readonly output: string[] = [];
  /** Lines seen in all, including those dropped from `output`. */
  lineCount = 0;
  private exited: Promise<Exit>;
  exit: Exit | null = null;

  private constructor(
    readonly kind: 'api' | 'worker',
    readonly name: string,
    readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.output.push(line);
        this.lineCount++;
      }
      if (this.output.length > OUTPUT_LINES) this.output.splice(0, this.output.length - OUTPUT_LINES);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /** Starts the API and waits (bounded) until /health answers. */
  static async api(env: Record<string, string>, name = 'api'): Promise<ChildApp> {
    const port = await freePort();
    const app = ChildApp.spawn('api', name, { ...env, PORT: String(port) }, `http://127.0.0.1:${port}`);
    await app.waitFor('the API to answer /health', async () => (await fetch(`${app.baseUrl}/health`, { signal: AbortSignal.timeout(1000) })).ok, 30_000);
    return app;
  }

  /** Starts a worker and waits (bounded) for its start line. */
  static async worker(env: Record<string, string>, name = 'worker'): Promise<ChildApp> {
    const app = ChildApp.spawn('worker', name, { ...env, LOG_LEVEL: 'info' }, '');
    await app.waitFor('the worker to start', () => app.output.some((line) => line.includes('processing deliveries')), 30_000);
    return app;
  }

  private static spawn(kind: 'api' | 'worker', name: string, env: Record<string, string>, baseUrl: string): ChildApp {
    const main = join(DIST, kind, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: the fault suites run the built apps (npm run build; npm test does it first)`);
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ChildApp(kind, name, child, baseUrl);
  }

  get running(): boolean {
    return this.exit === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  async waitForExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM, then SIGKILL if it lingers; never throws (used in afterAll). */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    await this.waitForExit(timeoutMs).catch(async () => {
      this.signal('SIGKILL');
      await this.waitForExit(5000).catch(() => undefined);
    });
  }

  /** The lines printed since `lineCount` was `mark` (as far as `output` still holds them). */
  linesSince(mark: number): string[] {
    return this.output.slice(Math.max(0, this.output.length - (this.lineCount - mark)));
  }

  /** The last lines of output, to explain a failure. */
  tail(lines = 40): string {
    return `--- ${this.name} (${this.exit ? `exited ${JSON.stringify(this.exit)}` : 'running'}) ---\n${this.output.slice(-lines).join('\n')}`;
  }

  private async waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.running) {
      if (await Promise.resolve(check()).catch(() => false)) return;
      await sleep(100);
    }
    this.signal('SIGKILL');
    throw new Error(`${this.name}: gave up waiting for ${what}\n${this.tail()}`);
  }
}
