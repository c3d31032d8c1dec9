import type { QueueOptions } from 'bull';
import Redis, { RedisOptions } from 'ioredis';

/**
 * Bull's three connections, built from REDIS_URL. The subscriber and blocking client must not fail pending commands
 * (Bull requires maxRetriesPerRequest null there). With `failFast` (the API) the command client gives up quickly so a
 * request never hangs on a Redis outage: the outbox keeps the delivery and the sweeper queues it later.
 */
export function createRedisClientFactory(redisUrl: string, failFast = false) {
  return (type: 'client' | 'subscriber' | 'bclient', extra?: RedisOptions): Redis => {
    const common: RedisOptions = { ...extra, enableReadyCheck: false, lazyConnect: false };
    if (type === 'client' && failFast) return new Redis(redisUrl, { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000 });
    return new Redis(redisUrl, { ...common, maxRetriesPerRequest: null, enableReadyCheck: false });
  };
}

export function bullQueueOptions(redisUrl: string, prefix: string, options: { failFast?: boolean; settings?: QueueOptions['settings'] } = {}): QueueOptions {
  return { prefix, createClient: createRedisClientFactory(redisUrl, options.failFast), settings: options.settings };
}
