#!/usr/bin/env node
'use strict';
/*
 * `npm run build`, and the step before every script that runs compiled code (`npm start`, `npm run inspector`, the
 * CLI, the tests, the bench). Safe to start from several terminals at once, and cheap when nothing changed:
 *
 * - Up to date: the sources (apps, libs, migrations, bench, the tsconfig files and the lock file) are hashed; when
 *   `dist` already points at the build of that hash, nothing is compiled (a `tenant:create` then starts at once).
 * - Never under a running process: each build is compiled into a folder of its own, `.build/<hash>.<time>`, never
 *   changed once complete, and `dist` is a symbolic link swapped to it in one rename. A process started from an earlier build keeps running from that
 *   folder (Node resolves the link when it loads a file), so a build in another terminal cannot pull files from
 *   under it. The last few builds are kept; older ones are removed.
 * - One at a time: a lock (`.build/lock`, a directory holding the builder's pid) makes a second build wait for the
 *   first and then find the tree up to date. A lock left by a process that died is taken over.
 *
 * `node scripts/build.js --force` compiles even when up to date.
 */
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BUILDS = path.join(ROOT, '.build');
const DIST = path.join(ROOT, 'dist');
const LOCK = path.join(BUILDS, 'lock');
const MARK = '.hookline-build';
const INPUT_DIRS = ['apps', 'libs', 'migrations', 'bench'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** Test files are not compiled into dist (tsconfig.build.json), so they do not make a build stale either. */
const NOT_BUILT = /(\.spec|-spec)\.ts$|\/results\//;
const KEEP_BUILDS = 3;
const LOCK_WAIT_MS = 10 * 60 * 1000;

function sourceHash() {
  const hash = createHash('sha256');
  const visit = (relative) => {
    const absolute = path.join(ROOT, relative);
    let entries;
    try {
      entries = fs.readdirSync(absolute, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile() && !NOT_BUILT.test(child)) hash.update(`${child}\0`).update(fs.readFileSync(path.join(ROOT, child))).update('\0');
    }
  };
  for (const dir of INPUT_DIRS) visit(dir);
  for (const file of INPUT_FILES) {
    if (fs.existsSync(path.join(ROOT, file))) hash.update(`${file}\0`).update(fs.readFileSync(path.join(ROOT, file))).update('\0');
  }
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

/** The source hash a complete build folder was made from, or null. */
function hashOf(folder) {
  try {
    return fs.readFileSync(path.join(folder, MARK), 'utf8').trim();
  } catch {
    return null;
  }
}

/** The source hash of the build `dist` points at now, if it is a complete one. */
function currentBuild() {
  try {
    return hashOf(path.join(ROOT, fs.readlinkSync(DIST)));
  } catch {
    return null;
  }
}

/** A complete build of these sources already in .build/ (one `dist` pointed away from), if any. */
function existingBuild(hash) {
  if (!fs.existsSync(BUILDS)) return null;
  const match = fs.readdirSync(BUILDS).find((name) => name.startsWith(`${hash}.`) && hashOf(path.join(BUILDS, name)) === hash);
  return match ?? null;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquireLock() {
  fs.mkdirSync(BUILDS, { recursive: true });
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
    } catch {
      // Just created, pid not written yet: wait a moment like for a live holder.
    }
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      fs.rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`another build (pid ${holder}) has held ${LOCK} for over ${LOCK_WAIT_MS / 60000} minutes`);
    if (!told) {
      process.stderr.write(`build: waiting for the build already running (pid ${holder || '?'})\n`);
      told = true;
    }
    sleep(200);
  }
}

function releaseLock() {
  fs.rmSync(LOCK, { recursive: true, force: true });
}

function run(script, args) {
  const result = spawnSync(process.execPath, [require.resolve(script, { paths: [ROOT] }), ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** Compiles into a new folder; answers its name. */
function compile(hash) {
  const name = `${hash}.${Date.now().toString(36)}`;
  const temporary = `.build/tmp-${name}-${process.pid}`;
  fs.rmSync(path.join(ROOT, temporary), { recursive: true, force: true });
  const began = Date.now();
  process.stderr.write(`build: compiling${currentBuild() === null ? '' : ' (the sources changed since the last build)'}\n`);
  try {
    run('typescript/bin/tsc', ['-p', 'tsconfig.build.json', '--outDir', temporary]);
    run('tsc-alias/dist/bin/index.js', ['-p', 'tsconfig.build.json', '--outDir', temporary]);
    fs.writeFileSync(path.join(ROOT, temporary, MARK), `${hash}\n`);
    fs.renameSync(path.join(ROOT, temporary), path.join(BUILDS, name));
  } catch (error) {
    fs.rmSync(path.join(ROOT, temporary), { recursive: true, force: true });
    throw error;
  }
  process.stderr.write(`build: done in ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
  return name;
}

/** Points `dist` at the build in one rename, replacing an old real `dist` folder the first time. */
function link(name) {
  const next = path.join(ROOT, `dist.next-${process.pid}`);
  fs.rmSync(next, { force: true });
  fs.symlinkSync(`.build/${name}`, next);
  const stat = fs.lstatSync(DIST, { throwIfNoEntry: false });
  if (stat && !stat.isSymbolicLink()) {
    const legacy = path.join(BUILDS, `legacy-${process.pid}`);
    fs.renameSync(DIST, legacy);
    fs.rmSync(legacy, { recursive: true, force: true });
  }
  fs.renameSync(next, DIST);
}

/** Keeps the current build and the most recent others (processes may still run from them); removes the rest. */
function prune() {
  const current = path.basename(fs.readlinkSync(DIST));
  const others = fs
    .readdirSync(BUILDS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'lock' && entry.name !== current && !entry.name.startsWith('tmp-'))
    .map((entry) => ({ name: entry.name, mtime: fs.statSync(path.join(BUILDS, entry.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of others.slice(KEEP_BUILDS - 1)) fs.rmSync(path.join(BUILDS, old.name), { recursive: true, force: true });
}

function main() {
  const force = process.argv.includes('--force');
  const hash = sourceHash();
  if (!force && currentBuild() === hash) return;
  acquireLock();
  try {
    // Another terminal may have built this very tree while we waited.
    if (force || currentBuild() !== hash) link((!force && existingBuild(hash)) || compile(hash));
    prune();
  } finally {
    releaseLock();
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`build: failed: ${error.message}\n`);
  process.exit(1);
}
