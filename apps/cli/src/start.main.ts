import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { runMain } from './run-main';
import { runMigrations } from './migrate';

/**
 * `npm start`: migrations, then the API and the worker as two processes in the foreground. If either exits, the other
 * is stopped too; Ctrl-C or SIGTERM stops both gracefully.
 */
runMain('start', async (config) => {
  const applied = await runMigrations(config.databaseUrl);
  if (applied.length) process.stdout.write(`Applied migrations: ${applied.join(', ')}\n`);
  const dist = join(__dirname, '..', '..');
  const children: ChildProcess[] = [
    spawn(process.execPath, [join(dist, 'api', 'src', 'main.js')], { stdio: 'inherit' }),
    spawn(process.execPath, [join(dist, 'worker', 'src', 'main.js')], { stdio: 'inherit' }),
  ];
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGTERM'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  let exitCode = 0;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) =>
          child.once('exit', (code) => {
            if (code && !stopping) exitCode = code;
            stop('SIGTERM');
            resolve();
          }),
        ),
    ),
  );
  process.exit(exitCode);
});
