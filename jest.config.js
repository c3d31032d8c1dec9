/** Three tiers: unit specs beside the code, end-to-end suites in test/ against real PostgreSQL and Redis. */
const swc = ['@swc/jest', { swcrc: true }];
const moduleNameMapper = {
  '^@hookline/(config|db|queue|signing|delivery|observability|storage)$': '<rootDir>/libs/$1/src',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
