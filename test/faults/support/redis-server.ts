import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort, waitUntil } from './child-app';

/**
 * A redis-server of the test's own (never the shared one on 6379), without persistence, so stopping it really takes
 * Redis away and starting it again really brings back an empty one.
 */
export class OwnRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    let failure: Error | null = null;
    child.once('error', (error) => {
      failure = error;
    });
    await waitUntil(
      `redis-server on ${this.port}`,
      () => {
        if (failure) throw new Error(`cannot run redis-server (install the redis-server package): ${(failure as Error).message}`);
        return this.ping();
      },
      10_000,
      50,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.child = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private async ping(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
