import 'reflect-metadata';
import { createDataSource, TenantsRepository } from '@hookline/db';
import { generateApiKey } from '@hookline/signing';
import { parseArgs } from 'node:util';
import { runMain } from '@hookline/startup';

runMain('tenant:create', async (config) => {
  let name: string | undefined;
  try {
    name = parseArgs({ options: { name: { type: 'string' } }, strict: true }).values.name?.trim();
  } catch {
    name = undefined;
  }
  if (!name || name.length > 200) {
    process.stderr.write('Usage: npm run tenant:create -- --name <name> (1 to 200 characters)\n');
    process.exit(2);
  }
  const dataSource = await createDataSource({ databaseUrl: config.databaseUrl, poolSize: 1, applicationName: 'hookline-cli' }).initialize();
  try {
    const key = generateApiKey();
    const tenant = await new TenantsRepository(dataSource).createWithKey(name, key);
    process.stdout.write(`${JSON.stringify({ tenant_id: tenant.id, api_key: key.plaintext })}\n`);
  } finally {
    await dataSource.destroy();
  }
});
