import 'reflect-metadata';
import { runMigrations } from '@hookline/db';
import { runMain } from '@hookline/startup';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** After the worker's own drain bound (WORKER_SHUTDOWN_TIMEOUT_MS) the children are killed outright. */
const KILL_AFTER_DRAIN_MS = 5000;

/**
 * `npm start`: migrations, then the API and the worker as two processes in the foreground. If either exits, the other
 * is stopped too. Ctrl-C or SIGTERM stops both gracefully; a second Ctrl-C, or a drain that outlives its bound, kills
 * them.
 */
runMain(
  'start',
  async (config) => {
    const applied = await runMigrations(config.databaseUrl, { encryptionKeys: config.encryptionKeys });
    if (applied.length) process.stdout.write(`Applied migrations: ${applied.join(', ')}\n`);
    const dist = join(__dirname, '..', '..');
    const children: ChildProcess[] = [
      spawn(process.execPath, [join(dist, 'api', 'src', 'main.js')], { stdio: 'inherit' }),
      spawn(process.execPath, [join(dist, 'worker', 'src', 'main.js')], { stdio: 'inherit' }),
    ];
    const running = () => children.filter((child) => child.exitCode === null && child.signalCode === null);
    let stopping = false;
    const kill = () => {
      for (const child of running()) child.kill('SIGKILL');
    };
    const stop = () => {
      if (stopping) return kill();
      stopping = true;
      for (const child of running()) child.kill('SIGTERM');
      setTimeout(kill, config.workerShutdownTimeoutMs + KILL_AFTER_DRAIN_MS).unref();
    };
    process.on('SIGINT', () => {
      if (!stopping) process.stderr.write('start: stopping the API and the worker (Ctrl-C again to kill them)\n');
      stop();
    });
    process.on('SIGTERM', stop);
    let exitCode = 0;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) =>
            child.once('exit', (code) => {
              if (code && !stopping) exitCode = code;
              if (!stopping) stop();
              resolve();
            }),
          ),
      ),
    );
    process.exit(exitCode);
  },
  { ownSignals: true },
);
