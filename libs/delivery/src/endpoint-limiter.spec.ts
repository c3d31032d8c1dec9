import { EndpointLimiter, endpointKey } from './endpoint-limiter';

describe('EndpointLimiter', () => {
  it('admits up to max attempts per origin, then refuses until one is released', () => {
    const limiter = new EndpointLimiter(2);
    const first = limiter.tryAcquire('https://a.example/hook/1');
    const second = limiter.tryAcquire('https://a.example/hook/2');
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(limiter.tryAcquire('https://a.example/other')).toBeNull();
    // Another origin is not affected by a busy one.
    expect(limiter.tryAcquire('https://b.example/hook')).not.toBeNull();
    first!();
    // One of the two slots is free again, and only one.
    expect(limiter.tryAcquire('https://a.example/hook/3')).not.toBeNull();
    expect(limiter.tryAcquire('https://a.example/hook/4')).toBeNull();
  });

  it('ignores a second release of the same slot', () => {
    const limiter = new EndpointLimiter(1);
    const release = limiter.tryAcquire('http://127.0.0.1:9000/x')!;
    const other = limiter.tryAcquire('http://127.0.0.1:9000/y');
    expect(other).toBeNull();
    release();
    release();
    const again = limiter.tryAcquire('http://127.0.0.1:9000/z');
    expect(again).not.toBeNull();
    expect(limiter.tryAcquire('http://127.0.0.1:9000/w')).toBeNull();
  });

  it('keys endpoints by origin, ports included', () => {
    expect(endpointKey('https://A.example:443/p?q=1')).toBe('https://a.example');
    expect(endpointKey('http://127.0.0.1:8080/p')).toBe('http://127.0.0.1:8080');
    expect(endpointKey('not a url')).toBe('not a url');
  });
});
