import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { runMain } from '../../cli/src/run-main';
import { startApi } from './bootstrap';

runMain('api', async (config) => {
  const app = await startApi(config);
  new Logger('api').log(`Hookline API listening on http://127.0.0.1:${config.port} (Bull Board at /admin/queues)`);
  return app;
});
