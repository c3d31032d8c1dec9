/**
 * Three tiers (`npm test` runs all of them):
 * - unit: `*.spec.ts` beside the code in apps/ and libs/ (and static checks in test/): pure logic, no services.
 * - integration: `test/integration/*.int-spec.ts`: one part against the real PostgreSQL or Redis, no app started.
 * - e2e: `test/**\/*.e2e-spec.ts`: the real API and worker (in-process or as child processes) against PostgreSQL,
 *   Redis and local receivers that verify signatures; `test/faults/` kills and restarts parts of the stack.
 * The integration and e2e tiers check first that PostgreSQL and Redis answer (test/support/global-setup.ts).
 */
const swc = ['@swc/jest', { swcrc: true }];
const moduleNameMapper = {
  '^@hookline/(config|db|queue|signing|delivery|observability|storage|webhook-rules|batching|startup)$': '<rootDir>/libs/$1/src',
};
// Builds (dist links into .build/) hold a copy of package.json that would collide with the real one.
const modulePathIgnorePatterns = ['<rootDir>/dist/', '<rootDir>/.build/'];
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, modulePathIgnorePatterns, testEnvironment: 'node' };
const globalSetup = '<rootDir>/test/support/global-setup.ts';

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'], globalSetup },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], globalSetup },
  ],
};
