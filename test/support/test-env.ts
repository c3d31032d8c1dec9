/** Where the suites find PostgreSQL and Redis: the environment, else the local defaults. */
export function testEnv(): { DATABASE_URL: string; REDIS_URL: string } {
  return {
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  };
}
