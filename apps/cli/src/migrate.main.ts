import 'reflect-metadata';
import { runMain } from '@hookline/startup';
import { runMigrations } from '@hookline/db';

runMain('migrate', async (config) => {
  const applied = await runMigrations(config.databaseUrl, { encryptionKeys: config.encryptionKeys });
  process.stdout.write(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'Database is up to date\n');
});
