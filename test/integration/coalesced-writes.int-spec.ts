import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import Redis, { RedisOptions } from 'ioredis';
import { bullQueueOptions, redisOptionsFromUrl } from '@hookline/queue';
import { testEnv } from '../support/test-env';

/** How many times the client's socket went to the kernel, counted on the socket's own write paths. */
function countSocketWrites(client: Redis): { writes: number } {
  const stream = (client as unknown as { stream: Duplex & { _write: Function; _writev?: Function } }).stream;
  const counter = { writes: 0 };
  const write = stream._write;
  const writev = stream._writev;
  stream._write = function (this: unknown, ...args: unknown[]) {
    counter.writes += 1;
    return write.apply(this, args);
  };
  if (writev) {
    stream._writev = function (this: unknown, ...args: unknown[]) {
      counter.writes += 1;
      return writev.apply(this, args);
    };
  }
  return counter;
}

/** Fresh connection each, to real Redis: with the options Bull's clients get (coalesced), or plain ioredis. */
function connect(coalesced: boolean): Redis {
  const url = testEnv().REDIS_URL;
  const options = coalesced ? (bullQueueOptions(url, 'hookline-test').redis as RedisOptions) : redisOptionsFromUrl(url);
  return new Redis({ ...options, lazyConnect: true });
}

describe('coalesced Redis writes', () => {
  const key = `hookline-test:coalesced:${randomUUID()}`;
  const clients: Redis[] = [];
  const open = async (coalesced: boolean): Promise<Redis> => {
    const client = connect(coalesced);
    clients.push(client);
    await client.connect();
    return client;
  };

  afterAll(async () => {
    await clients[0]?.del(key);
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
  });

  it('sends the commands of one turn of the event loop in one write, each with its own reply, in order', async () => {
    const plain = await open(false);
    const coalesced = await open(true);
    const plainWrites = countSocketWrites(plain);
    const coalescedWrites = countSocketWrites(coalesced);

    const plainReplies = await Promise.all(Array.from({ length: 20 }, () => plain.incr(`${key}:plain`)));
    const replies = await Promise.all(Array.from({ length: 20 }, () => coalesced.incr(key)));

    expect(replies).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(plainReplies).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(plainWrites.writes).toBe(20);
    expect(coalescedWrites.writes).toBe(1);
    await plain.del(`${key}:plain`);
  });

  it('sends commands issued from promise continuations of the same turn together, and a lone command at once', async () => {
    const client = await open(true);
    const writes = countSocketWrites(client);
    await client.set(key, '0');
    expect(writes.writes).toBe(1);

    // As in the worker: one result settles many waiters, and each then sends its own command.
    let release!: () => void;
    const settled = new Promise<void>((resolve) => (release = resolve));
    const chained = Array.from({ length: 10 }, () => settled.then(() => client.incr(key)));
    release();
    expect((await Promise.all(chained)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(writes.writes).toBe(2);
  });

  it('coalesces again on the connection that replaces a dropped one', async () => {
    const client = await open(true);
    const killer = await open(false);
    await client.set(key, '0');
    const id = await client.client('ID');
    const reconnected = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    await killer.client('KILL', 'ID', String(id));
    await reconnected;

    const writes = countSocketWrites(client);
    const replies = await Promise.all(Array.from({ length: 5 }, () => client.incr(key)));
    expect(replies).toEqual([1, 2, 3, 4, 5]);
    expect(writes.writes).toBe(1);
  });
});
