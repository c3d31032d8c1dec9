import { Client } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from './stats';

export interface WakeUp {
  /** Median round trip of `SELECT 1` sent as soon as the previous answer arrived, in ms. */
  backToBackMs: number;
  /** The same after `idleMs` with nothing to do: what each hop of a lightly loaded pipeline pays. */
  afterIdleMs: number;
  idleMs: number;
}

const BACK_TO_BACK = 200;
const AFTER_IDLE = 40;
const IDLE_MS = 20;

/**
 * How long one process takes to wake another on this machine, read as PostgreSQL round trips before any section
 * runs. On some virtual machines an idle core is handed back to the hypervisor, and the next wake-up costs several
 * times a busy round trip; publish→arrival wakes a process about ten times, so at light load that cost is much of
 * the latency figure, and it says why that figure moves between machines of one kind.
 */
export async function measureWakeUp(databaseUrl: string): Promise<WakeUp> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'hookline-bench-wake-up', connectionTimeoutMillis: 5000, query_timeout: 5000 });
  await client.connect();
  try {
    for (let i = 0; i < 20; i += 1) await client.query('SELECT 1');
    const busy: number[] = [];
    for (let i = 0; i < BACK_TO_BACK; i += 1) busy.push(await roundTrip(client));
    const idle: number[] = [];
    for (let i = 0; i < AFTER_IDLE; i += 1) {
      await sleep(IDLE_MS);
      idle.push(await roundTrip(client));
    }
    return { backToBackMs: median(busy) ?? 0, afterIdleMs: median(idle) ?? 0, idleMs: IDLE_MS };
  } finally {
    await client.end();
  }
}

async function roundTrip(client: Client): Promise<number> {
  const started = performance.now();
  await client.query('SELECT 1');
  return performance.now() - started;
}
