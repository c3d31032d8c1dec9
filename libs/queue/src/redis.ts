import type { QueueOptions } from 'bull';
import type { RedisOptions } from 'ioredis';
import { CoalescingConnector } from './coalesced-writes';

/** ioredis options from REDIS_URL (`redis://[user:password@]host:port/db`, `rediss://` for TLS). */
export function redisOptionsFromUrl(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = Number(url.pathname.replace(/^\//, '') || 0);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(url.port || 6379),
    db: Number.isInteger(db) ? db : 0,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * Bull's connections are made by Bull itself (so `queue.close()` closes them); Bull gives its subscriber and blocking
 * clients `maxRetriesPerRequest: null`. With `failFast` (the API) the command client gives up quickly, so a request
 * never hangs on a Redis outage: the outbox keeps the delivery and the worker's sweeper queues it later.
 */
export function bullQueueOptions(redisUrl: string, prefix: string, options: { failFast?: boolean; settings?: QueueOptions['settings'] } = {}): QueueOptions {
  // Commands sent in one turn of the event loop leave in one write (coalesced-writes.ts).
  const redis: RedisOptions = { ...redisOptionsFromUrl(redisUrl), enableReadyCheck: false, Connector: CoalescingConnector };
  if (options.failFast) Object.assign(redis, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  return { prefix, redis, settings: options.settings };
}
