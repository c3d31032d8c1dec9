import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Response } from 'express';
import { redisOptionsFromUrl } from '@hookline/queue';
import { RateLimiter } from '../../apps/api/src/common/rate-limiter';
import { testEnv } from '../support/test-env';

/** The limiter's own clock, moved by the test: the real Redis script, simulated minutes. */
class ClockedLimiter extends RateLimiter {
  at = 0;

  protected override now(): number {
    return this.at;
  }
}

function fakeResponse(): Response & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value) } as unknown as Response & { headers: Record<string, string> };
}

describe('RateLimiter (sliding window, real Redis)', () => {
  const prefix = `hookline-test-rl-${randomUUID()}`;
  const client = new Redis({ ...redisOptionsFromUrl(testEnv().REDIS_URL), lazyConnect: false });
  const limiterWith = (limit: number) =>
    new ClockedLimiter({ client } as never, { queuePrefix: prefix, rateLimitPerMinute: limit } as never);

  afterAll(async () => {
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  /** Sends one request at `at` ms; true when admitted. */
  const send = async (limiter: ClockedLimiter, tenant: string, at: number) => {
    limiter.at = at;
    try {
      await limiter.enforce(tenant, fakeResponse());
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== 'rate_limited') throw error;
      return false;
    }
  };

  it('never admits more than the limit in any 60 s, across the old fixed window boundary', async () => {
    const limiter = limiterWith(10);
    const tenant = randomUUID();
    // Far enough from 0 that bucket indices are positive; a minute boundary at 120 s.
    const base = 60_000 * 1_000_000;
    const admitted: number[] = [];
    // Ten at 119.9 s, then ten more tried at 120.1 s: a fixed minute window admitted all twenty.
    for (let i = 0; i < 10; i++) if (await send(limiter, tenant, base + 119_900)) admitted.push(base + 119_900);
    for (let i = 0; i < 10; i++) if (await send(limiter, tenant, base + 120_100)) admitted.push(base + 120_100);
    expect(admitted).toHaveLength(10);
    // Then a request every 500 ms for three minutes.
    for (let t = base + 120_500; t < base + 300_000; t += 500) if (await send(limiter, tenant, t)) admitted.push(t);
    for (const start of admitted) {
      const inWindow = admitted.filter((t) => t >= start && t < start + 60_000).length;
      expect({ start: start - base, inWindow: Math.min(inWindow, 10) }).toEqual({ start: start - base, inWindow });
    }
    // And it does let requests through again as the window moves: about 10 a minute, not fewer than 8 per 65 s.
    expect(admitted.length).toBeGreaterThanOrEqual(10 + 2 * 8);
  });

  it('does not count refused requests, and tells how long to wait', async () => {
    const limiter = limiterWith(3);
    const tenant = randomUUID();
    const base = 60_000 * 2_000_000;
    const response = fakeResponse();
    limiter.at = base;
    for (let i = 0; i < 3; i++) await limiter.enforce(tenant, response);
    expect(response.headers['x-ratelimit-remaining']).toBe('0');
    let retryAfter = '';
    try {
      await limiter.enforce(tenant, response);
    } catch (error) {
      retryAfter = (error as { headers: Record<string, string> }).headers['Retry-After'];
    }
    // The three fell in one 5 s bucket, counted for 13 buckets: free again 65 s after that bucket began.
    expect(Number(retryAfter)).toBe(65);
    // A client hammering meanwhile is not kept out any longer for it.
    for (let t = base + 1000; t < base + 60_000; t += 1000) expect(await send(limiter, tenant, t)).toBe(false);
    expect(await send(limiter, tenant, base + 65_000)).toBe(true);
  });

  it('keeps tenants apart', async () => {
    const limiter = limiterWith(1);
    const base = 60_000 * 3_000_000;
    expect(await send(limiter, 'a', base)).toBe(true);
    expect(await send(limiter, 'a', base)).toBe(false);
    expect(await send(limiter, 'b', base)).toBe(true);
  });
});
