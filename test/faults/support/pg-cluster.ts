import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './child-app';
import { Database } from './fault-stack';

const run = promisify(execFile);

/** The newest installed PostgreSQL's binaries (Debian/Ubuntu layout). */
function pgBin(tool: string): string {
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return join('/usr/lib/postgresql', versions[0], 'bin', tool);
}

/**
 * A throwaway PostgreSQL cluster of the suite's own, so it can be stopped and restarted without touching the shared
 * one. initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (runuser).
 */
export class OwnPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'hookline-pg-'));
    const cluster = new OwnPostgres(dir, await freePort());
    if (userInfo().uid === 0) {
      const { uid, gid } = await cluster.postgresUser();
      await chown(dir, uid, gid);
    }
    await chmod(dir, 0o700);
    await cluster.ctl(pgBin('initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await cluster.pgCtl('start');
    return cluster;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A database in this cluster, shaped like test/support's (query, drop). */
  async database(name: string): Promise<Database> {
    const url = this.url(name);
    return {
      url,
      query: async <T>(sql: string, params?: unknown[]) => {
        const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows as T[];
        } finally {
          await client.end();
        }
      },
      drop: async () => undefined,
    };
  }

  stop(): Promise<void> {
    return this.pgCtl('stop', ['-m', 'fast']);
  }

  start(): Promise<void> {
    return this.pgCtl('start');
  }

  /** Stops the server and removes the cluster; never throws. */
  async destroy(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'immediate']).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private pgCtl(action: 'start' | 'stop', extra: string[] = []): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    return this.ctl(pgBin('pg_ctl'), ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'server.log'), '-w', '-t', '30', action, ...extra]);
  }

  private async ctl(binary: string, args: string[]): Promise<void> {
    const [file, argv] = userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
    await run(file, argv, { timeout: 60_000 });
  }

  private async postgresUser(): Promise<{ uid: number; gid: number }> {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    return { uid: Number(stdout.trim()), gid: Number(group.trim()) };
  }
}
