import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  let now = 1_000;
  const clock = () => now;

  it('keeps an entry for its TTL, then forgets it', () => {
    const cache = new ExpiringCache<string, number>(100, 10, clock);
    cache.set('a', 1);
    now += 99;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stays within its bound', () => {
    const cache = new ExpiringCache<number, number>(1000, 3, clock);
    for (let i = 0; i < 10; i++) cache.set(i, i);
    expect(cache.size).toBeLessThanOrEqual(3);
    expect(cache.get(9)).toBe(9);
  });

  it('loads once, then answers from memory; never keeps an absence', async () => {
    const cache = new ExpiringCache<string, string>(1000, 10, clock);
    const load = jest.fn(async () => 'value');
    expect(await cache.getOrLoad('k', load)).toBe('value');
    expect(await cache.getOrLoad('k', load)).toBe('value');
    expect(load).toHaveBeenCalledTimes(1);

    const missing = jest.fn(async () => null);
    expect(await cache.getOrLoad('gone', missing)).toBeNull();
    expect(await cache.getOrLoad('gone', missing)).toBeNull();
    expect(missing).toHaveBeenCalledTimes(2);
  });

  it('does not keep what a load read before an invalidation that happened while it ran', async () => {
    const cache = new ExpiringCache<string, string>(1000, 10, clock);
    let finish!: (value: string) => void;
    const pending = cache.getOrLoad('key', () => new Promise<string>((resolve) => (finish = resolve)));
    // The row changes (say, the key is revoked) while the read that saw it before the change is still out.
    cache.deleteWhere((value) => value === 'stale');
    finish('stale');
    expect(await pending).toBe('stale');
    expect(cache.get('key')).toBeUndefined();

    const later = jest.fn(async () => 'fresh');
    expect(await cache.getOrLoad('key', later)).toBe('fresh');
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('drops matching entries and everything on clear', () => {
    const cache = new ExpiringCache<string, { tenant: string }>(1000, 10, clock);
    cache.set('a', { tenant: 't1' });
    cache.set('b', { tenant: 't2' });
    cache.deleteWhere((value) => value.tenant === 't1');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual({ tenant: 't2' });
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
  });
});
