import { randomBytes } from 'node:crypto';
import { cp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from './clock';

const DIST = join(__dirname, '..');
/** Under node_modules (ignored by git, cleared by a clean install) so `require` still finds the project's packages. */
const CACHE = join(DIST, '..', 'node_modules', '.cache', 'hookline-bench');
const ATTEMPTS = 20;
/** What tsc emits for a path alias before tsc-alias has rewritten it to a relative path. */
const UNRESOLVED = /require\("@hookline\//;

export interface BuildSnapshot {
  dir: string;
  remove(): Promise<void>;
}

/**
 * A private copy of the build the bench starts its processes from. `npm run build` rewrites dist/ in place (tsc
 * first, then tsc-alias), so a build started elsewhere during a run would otherwise break a worker started a minute
 * in. A copy taken between tsc and tsc-alias still has `@hookline/*` requires in it; it is retaken, bounded.
 */
export async function snapshotBuild(): Promise<BuildSnapshot> {
  const dir = join(CACHE, `build-${process.pid}-${randomBytes(3).toString('hex')}`);
  const remove = () => rm(dir, { recursive: true, force: true });
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    await remove();
    await cp(DIST, dir, { recursive: true, filter: (source) => !source.endsWith('.map') });
    if (!(await hasUnresolvedAliases(dir))) return { dir, remove };
    await sleep(500);
  }
  await remove();
  throw new Error(`dist/ kept changing for ${ATTEMPTS / 2} s (is another build running?)`);
}

async function hasUnresolvedAliases(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    if (UNRESOLVED.test(await readFile(join(entry.parentPath, entry.name), 'utf8'))) return true;
  }
  return false;
}
