import Redis from 'ioredis';

/**
 * Deletes every key matching ARGV[1] in one script: atomic like FLUSHDB, so no job is left with its hash gone and its id
 * still listed (or the reverse), but only the keys of one installation.
 */
const DELETE_MATCHING = `local keys = redis.call('KEYS', ARGV[1])
for i = 1, #keys, 1000 do redis.call('DEL', unpack(keys, i, math.min(i + 999, #keys))) end
return #keys`;

/**
 * Every key of the installation whose queue prefix is `prefix` (Bull's lists, job hashes and locks, the rate-limit
 * counters): what a Redis that restarted empty does to it, and to nothing else on the server.
 */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.eval(DELETE_MATCHING, 0, `${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
