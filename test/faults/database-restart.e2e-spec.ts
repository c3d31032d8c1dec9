import { runMigrations } from '@hookline/db';
import { sleep, waitUntil } from './support/child-app';
import { CountingReceiver } from './support/counting-receiver';
import { FaultStack, report, Tenant } from './support/fault-stack';
import { OwnPostgres } from './support/pg-cluster';

/** PostgreSQL stopped and started again mid-batch, on a cluster this suite owns (the shared one is never touched). */
describe('faults: PostgreSQL restarts during a batch', () => {
  let postgres: OwnPostgres;
  let stack: FaultStack;
  let receiver: CountingReceiver;
  let tenant: Tenant;

  beforeAll(async () => {
    postgres = await OwnPostgres.start();
    await runMigrations(postgres.url('hookline'));
    receiver = await new CountingReceiver(() => ({ status: 200, delayMs: 100 })).start();
    stack = await FaultStack.create({ database: await postgres.database('hookline') });
    await stack.startApi();
    tenant = await stack.createTenant('pg');
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await postgres?.destroy();
    await receiver?.close();
  });

  it('answers 503 while PostgreSQL is away, recovers by itself, and delivers every one with none recorded falsely', async () => {
    const webhookId = await stack.registerWebhook(tenant, receiver.url('/pg'));
    const sent = await stack.uploadMany(tenant, webhookId, 100, 10);
    await stack.startWorker('worker', { WORKER_CONCURRENCY: '4' });
    await receiver.waitForDistinct(20, 30_000);

    // Poll a tenant route throughout: every answer must be a 200 or a 503, never a 500 and never a hang.
    const answers: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const reply = await stack.request('GET', '/v1/deliveries?limit=1', { token: tenant.apiKey }).catch((error: Error) => ({ status: -1, error }));
        answers.push(reply.status);
        await sleep(100);
      }
    })();

    await postgres.stop();
    const receivedAtStop = receiver.distinct;
    await waitUntil('the API to answer 503', () => answers.includes(503), 15_000);
    await sleep(2000);
    await postgres.start();
    await waitUntil('the API to recover', () => answers.length > 0 && answers[answers.length - 1] === 200 && answers.includes(503), 30_000);
    polling = false;
    await poller;

    await receiver.waitForDistinct(100, 60_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${stack.tails()}`);
    });
    await waitUntil('all 100 recorded as succeeded', async () => (await stack.succeededIds()).length === 100, 30_000, 250);

    expect(new Set(answers)).toEqual(new Set([200, 503]));
    const succeeded = await stack.succeededIds();
    expect(new Set(succeeded)).toEqual(new Set(sent));
    for (const id of succeeded) expect(receiver.arrivals.has(id)).toBe(true);
    const mismatched = await stack.db.query(
      `SELECT d.id FROM deliveries d WHERE d.attempt_count <> (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id)`,
    );
    expect(mismatched).toEqual([]);
    const [{ interrupted }] = await stack.db.query<{ interrupted: string }>(`SELECT count(*) AS interrupted FROM delivery_attempts WHERE error LIKE 'interrupted:%'`);
    report('PostgreSQL restart mid-batch', {
      sent: sent.length,
      received: receiver.distinct,
      duplicated: receiver.duplicated,
      receivedBeforeStop: receivedAtStop,
      api503: answers.filter((status) => status === 503).length,
      api200: answers.filter((status) => status === 200).length,
      interrupted: Number(interrupted),
    });
  }, 150_000);
});
