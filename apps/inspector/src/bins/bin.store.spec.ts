import { BinStore, StoredRequest } from './bin.store';

let clock = 0;
function request(bodyBytes = 10): StoredRequest {
  clock += 1;
  return {
    id: `r${clock}`,
    method: 'POST',
    path: '/b/x',
    query: '',
    headers: { 'content-type': 'application/json' },
    body: Buffer.alloc(bodyBytes, 'a'),
    truncated: false,
    receivedAt: new Date(clock),
    remoteAddress: '127.0.0.1',
    answeredStatus: 200,
    signature: null,
  };
}

describe('BinStore', () => {
  it('makes bins with unique ids and the default answer (200, no delay, no secret)', () => {
    const store = new BinStore();
    const a = store.create();
    const b = store.create();
    expect(a.id).not.toBe(b.id);
    expect(a.settings).toEqual({ status: 200, delayMs: 0, secret: null });
    expect(store.list().map((bin) => bin.id)).toEqual([b.id, a.id]);
    a.settings.status = 503;
    expect(b.settings.status).toBe(200);
  });

  it('drops the oldest bin past the bin limit, with its bytes', () => {
    const store = new BinStore({ bins: 2, requestsPerBin: 10, totalBytes: 1e9 });
    const first = store.create();
    store.add(first, request(1000));
    const second = store.create();
    const third = store.create();
    expect(store.get(first.id)).toBeUndefined();
    expect(store.list().map((bin) => bin.id)).toEqual([third.id, second.id]);
    expect(store.storedBytes).toBe(0);
  });

  it('keeps the newest requests of a bin past the per-bin limit', () => {
    const store = new BinStore({ bins: 10, requestsPerBin: 3, totalBytes: 1e9 });
    const bin = store.create();
    const sent = Array.from({ length: 5 }, () => request());
    for (const item of sent) store.add(bin, item);
    expect(bin.requests.map((item) => item.id)).toEqual(sent.slice(2).map((item) => item.id));
  });

  it('drops the oldest requests of any bin past the byte budget', () => {
    // each request costs about 1.2 KB (body, headers, path and overhead): three fit, a fourth evicts the oldest
    const store = new BinStore({ bins: 10, requestsPerBin: 100, totalBytes: 4000 });
    const a = store.create();
    const b = store.create();
    const oldest = request(900);
    store.add(a, oldest);
    store.add(b, request(900));
    store.add(a, request(900));
    expect(store.storedBytes).toBeLessThanOrEqual(4000);
    store.add(b, request(900));
    expect(store.storedBytes).toBeLessThanOrEqual(4000);
    expect(a.requests.map((item) => item.id)).not.toContain(oldest.id);
    expect(a.requests.length + b.requests.length).toBe(3);
  });

  it('refuses a request for a bin dropped while its body was arriving', () => {
    const store = new BinStore({ bins: 1, requestsPerBin: 10, totalBytes: 1e9 });
    const gone = store.create();
    store.create();
    expect(store.add(gone, request())).toBe(false);
    expect(store.storedBytes).toBe(0);
  });
});
