import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The installed version of a package, read from its own package.json. */
export function installedVersion(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(require.resolve(`${pkg}/package.json`, { paths: [__dirname] })), 'utf8')) as { version: string }).version;
  } catch {
    const main = require.resolve(pkg, { paths: [__dirname] });
    const root = main.slice(0, main.lastIndexOf(`node_modules/${pkg}/`) + `node_modules/${pkg}/`.length);
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  }
}

/**
 * Runs a check of something Hookline takes from a package's internals for speed (a file path inside it, a private
 * field, the order in which it reads a method). When the check fails, the error names the package, its installed
 * version, what changed and where Hookline relies on it, so an upgrade that breaks it says so at once.
 */
export async function reliesOn(pkg: string, what: string, where: string, check: () => unknown): Promise<void> {
  try {
    await check();
  } catch (error) {
    throw new Error(
      `${pkg}@${installedVersion(pkg)} no longer ${what} (relied on by ${where}; see docs/performance.md, "Framework internals"): ${(error as Error).message}`,
    );
  }
}
