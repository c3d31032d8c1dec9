import Module from 'node:module';
import { join } from 'node:path';

/**
 * Jest's globalSetup runs outside the module registry that applies jest.config.js's moduleNameMapper, so `@hookline/*`
 * imports of the libraries it loads would not resolve. This maps them the same way (tsconfig.json's paths) for the
 * setup process only.
 */
type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;
const libs = join(__dirname, '..', '..', 'libs');
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  const lib = /^@hookline\/([a-z-]+)$/.exec(request);
  return resolve.call(this, lib ? join(libs, lib[1], 'src') : request, ...rest);
};
