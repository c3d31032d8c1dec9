import { ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readlink, rm, symlink, appendFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './faults/support/child-app';

const root = join(__dirname, '..');

interface Finished {
  code: number | null;
  stderr: string;
}

function build(dir: string, ...args: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, 'scripts', 'build.js'), ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/**
 * scripts/build.js, in a scratch copy of the checkout (its own .build/ and dist, the same node_modules): builds started
 * together never trample each other, a build never changes files under a process running from an earlier one, an
 * up-to-date tree is not compiled again, and a lock left by a build that died is taken over.
 */
describe('builds (scripts/build.js)', () => {
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hookline-build-'));
    for (const entry of ['scripts', 'apps', 'libs', 'migrations', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      await cp(join(root, entry), join(dir, entry), { recursive: true, filter: (source) => !/\.(e2e-|int-)?spec\.ts$/.test(source) });
    }
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('two builds started together: one compiles, the other waits for it and finds the tree up to date', async () => {
    const [first, second] = await Promise.all([build(dir), build(dir)]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const compiled = [first, second].filter((run) => run.stderr.includes('build: compiling'));
    expect(compiled).toHaveLength(1);
    const waited = [first, second].find((run) => !run.stderr.includes('build: compiling'))!;
    expect(waited.stderr).toContain('waiting for the build already running');
    expect(existsSync(join(dir, 'dist', 'apps', 'api', 'src', 'main.js'))).toBe(true);
    expect(await readlink(join(dir, 'dist'))).toMatch(/^\.build\/[0-9a-f]{16}\.[0-9a-z]+$/);
    // Nothing changed: the next build compiles nothing.
    const again = await build(dir);
    expect(again).toEqual({ code: 0, stderr: '' });
  }, 120_000);

  it('a process started from one build keeps running from it while the next build replaces dist', async () => {
    const before = await readlink(join(dir, 'dist'));
    const inspector = spawn(process.execPath, [join(dir, 'dist', 'apps', 'inspector', 'src', 'main.js')], {
      cwd: dir,
      env: { PATH: process.env.PATH, INSPECTOR_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(inspector);
    let output = '';
    inspector.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    inspector.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil('the inspector to listen', () => /Webhook inspector on (http:\/\/[^ ]+)/.test(output), 20_000);
    const base = /Webhook inspector on (http:\/\/[^ ]+)/.exec(output)![1];

    await appendFile(join(dir, 'libs', 'config', 'src', 'version.ts'), '\n// changed by the build test\n');
    const rebuilt = await build(dir);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).toContain('the sources changed since the last build');
    const after = await readlink(join(dir, 'dist'));
    expect(after).not.toBe(before);
    // The old build is still whole, and the process running from it still answers.
    expect(existsSync(join(dir, before, 'apps', 'inspector', 'src', 'main.js'))).toBe(true);
    const bins = await fetch(`${base}/bins`, { method: 'POST' });
    expect(bins.status).toBe(201);
    inspector.kill('SIGTERM');
  }, 120_000);

  it('takes over the lock of a build that died', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    await mkdir(join(dir, '.build', 'lock'), { recursive: true });
    await writeFile(join(dir, '.build', 'lock', 'pid'), String(dead.pid));
    const forced = await build(dir, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('build: compiling');
    expect(existsSync(join(dir, '.build', 'lock'))).toBe(false);
    // Three builds were made; the latest ones are kept, older ones removed.
    const kept = (await readdir(join(dir, '.build'))).filter((name) => /^[0-9a-f]{16}\./.test(name));
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThanOrEqual(3);
  }, 120_000);
});
