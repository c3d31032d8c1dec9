import { execFileSync } from 'node:child_process';
import { pbkdf2 } from 'node:crypto';
import { createSocket, RemoteInfo, Socket } from 'node:dgram';
import { closeSync, constants, mkdtempSync, openSync, promises as fsp, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachingResolver, DnsChannel, DnsLookupError, DnsResolverOptions, parseHosts } from './dns-resolver';
import { BlockedTargetError, checkTarget } from './target-guard';

/*
 * A minimal DNS responder on 127.0.0.1 (never a real server): parses the question, answers A/AAAA from `zone` with
 * their TTL, NXDOMAIN for unknown names, an empty answer (no data) for a known name without that type, and nothing
 * at all for names marked `hang`. It counts every query it receives.
 */
interface ZoneEntry {
  a?: string[];
  aaaa?: string[];
  ttl?: number;
  hang?: boolean;
  /** Answer after this many ms instead of at once. */
  delayMs?: number;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}

class TestDnsServer {
  readonly zone = new Map<string, ZoneEntry>();
  readonly queries: Array<{ name: string; type: number }> = [];
  private readonly socket: Socket = createSocket('udp4');
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  async start(): Promise<this> {
    this.socket.on('message', (message, peer) => this.answer(message, peer));
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
    return this;
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  queriesFor(name: string): number {
    return this.queries.filter((query) => query.name === name).length;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private answer(message: Buffer, peer: RemoteInfo): void {
    let offset = 12;
    const labels: string[] = [];
    while (message[offset] !== 0) {
      const length = message[offset];
      labels.push(message.toString('ascii', offset + 1, offset + 1 + length));
      offset += 1 + length;
    }
    offset += 1;
    const type = message.readUInt16BE(offset);
    const questionEnd = offset + 4;
    const name = labels.join('.').toLowerCase();
    this.queries.push({ name, type });
    const entry = this.zone.get(name);
    if (entry?.hang) return;

    const addresses = !entry ? [] : type === TYPE_A ? (entry.a ?? []) : type === TYPE_AAAA ? (entry.aaaa ?? []) : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(message.readUInt16BE(0), 0); // id
    const recursionDesired = message[2] & 0x01;
    header[2] = 0x80 | recursionDesired; // QR, opcode 0, RD copied
    header[3] = 0x80 | (entry ? 0 : 3); // RA, rcode NOERROR or NXDOMAIN
    header.writeUInt16BE(1, 4); // one question
    header.writeUInt16BE(addresses.length, 6);
    const answers = addresses.map((address) => {
      const rdata = type === TYPE_A ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      record.writeUInt16BE(type, 2);
      record.writeUInt16BE(1, 4); // IN
      record.writeUInt32BE(entry?.ttl ?? 60, 6);
      record.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([record, rdata]);
    });
    const response = Buffer.concat([header, message.subarray(12, questionEnd), ...answers]);
    const send = () => this.socket.send(response, peer.port, peer.address);
    if (!entry?.delayMs) return send();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, entry.delayMs);
    this.timers.add(timer);
  }
}

/** Work that needs libuv's thread pool: each pbkdf2 and each readFile takes a pool thread. */
function poolWork(count = 8): Promise<unknown> {
  const jobs: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i += 1) {
    jobs.push(new Promise((resolve, reject) => pbkdf2('secret', `salt${i}`, 1000, 32, 'sha256', (error, key) => (error ? reject(error) : resolve(key)))));
    jobs.push(fsp.readFile(__filename));
  }
  return Promise.all(jobs);
}

function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  return { promise: watched, settled: () => settled };
}

async function rejection(promise: Promise<unknown>): Promise<DnsLookupError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DnsLookupError);
  return error as DnsLookupError;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/* Opens the FIFO's writing end without blocking; ENXIO until its reader has reached open() on a pool thread. */
async function unblock(fifo: string): Promise<void> {
  for (;;) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENXIO') throw error;
      await sleep(10);
    }
  }
}

describe('CachingResolver against a local DNS server', () => {
  let dns: TestDnsServer;
  let clock: number;
  const resolvers: CachingResolver[] = [];

  function resolver(options: DnsResolverOptions = {}): CachingResolver {
    const made = new CachingResolver({ servers: [dns.server], hostsFile: null, now: () => clock, ...options });
    resolvers.push(made);
    return made;
  }

  beforeEach(async () => {
    clock = 1_000_000;
    dns = await new TestDnsServer().start();
  });

  afterEach(async () => {
    // Let hanging queries end inside the test that made them, then stop the server.
    for (let i = 0; i < 100 && resolvers.some((r) => r.stats().activeQueries > 0); i += 1) await sleep(50);
    resolvers.length = 0;
    await dns.close();
  });

  it('answers A and AAAA, IPv4 first, and caches them for their TTL', async () => {
    dns.zone.set('hot.example', { a: ['93.184.216.34'], aaaa: ['2606:2800:220:1::1946'], ttl: 30 });
    const r = resolver();
    await expect(r.lookup('hot.example')).resolves.toEqual(['93.184.216.34', '2606:2800:220:1::1946']);
    expect(dns.queries).toEqual(expect.arrayContaining([{ name: 'hot.example', type: TYPE_A }, { name: 'hot.example', type: TYPE_AAAA }]));
    expect(dns.queriesFor('hot.example')).toBe(2);

    clock += 29_000;
    await expect(r.resolve('HOT.example')).resolves.toEqual(['93.184.216.34', '2606:2800:220:1::1946']);
    expect(dns.queriesFor('hot.example')).toBe(2);

    clock += 2_000;
    dns.zone.set('hot.example', { a: ['93.184.216.35'], ttl: 30 });
    await expect(r.lookup('hot.example')).resolves.toEqual(['93.184.216.35']);
    expect(dns.queriesFor('hot.example')).toBe(4);
  });

  it('clamps TTLs to 1 s at least and 5 min at most', async () => {
    dns.zone.set('zero.example', { a: ['93.184.216.34'], ttl: 0 });
    dns.zone.set('day.example', { a: ['93.184.216.34'], ttl: 86_400 });
    const r = resolver();
    await r.lookup('zero.example');
    await r.lookup('day.example');
    clock += 999;
    await r.lookup('zero.example');
    expect(dns.queriesFor('zero.example')).toBe(2);
    clock += 2;
    await r.lookup('zero.example');
    expect(dns.queriesFor('zero.example')).toBe(4);

    clock += 300_000 - 1_001 - 1;
    await r.lookup('day.example');
    expect(dns.queriesFor('day.example')).toBe(2);
    clock += 2;
    await r.lookup('day.example');
    expect(dns.queriesFor('day.example')).toBe(4);
  });

  it('caches NXDOMAIN and no-data answers briefly', async () => {
    dns.zone.set('empty.example', {});
    const r = resolver({ negativeTtlMs: 10_000 });
    expect((await rejection(r.lookup('gone.example'))).code).toBe('ENOTFOUND');
    expect((await rejection(r.lookup('empty.example'))).code).toBe('ENODATA');
    expect(dns.queriesFor('gone.example')).toBe(2);
    expect(dns.queriesFor('empty.example')).toBe(2);

    clock += 9_999;
    expect((await rejection(r.lookup('gone.example'))).code).toBe('ENOTFOUND');
    expect((await rejection(r.lookup('empty.example'))).code).toBe('ENODATA');
    expect(dns.queries).toHaveLength(4);

    clock += 2;
    dns.zone.set('gone.example', { a: ['93.184.216.34'] });
    await expect(r.lookup('gone.example')).resolves.toEqual(['93.184.216.34']);
    expect(dns.queriesFor('gone.example')).toBe(4);
  });

  it('keeps an answer when only the other family is missing', async () => {
    dns.zone.set('v4.example', { a: ['93.184.216.34'], ttl: 60 });
    dns.zone.set('v6.example', { aaaa: ['2606:4700::1111'], ttl: 60 });
    const r = resolver();
    await expect(r.lookup('v4.example')).resolves.toEqual(['93.184.216.34']);
    await expect(r.lookup('v6.example')).resolves.toEqual(['2606:4700::1111']);
  });

  it('sends one query per family for concurrent lookups of one name', async () => {
    dns.zone.set('shared.example', { a: ['93.184.216.34'], delayMs: 100 });
    const r = resolver();
    const lookups = ['shared.example', 'SHARED.example', 'shared.example', 'shared.example', 'shared.example'].map((name) => r.lookup(name));
    expect(r.stats()).toMatchObject({ inFlight: 1, activeQueries: 1 });
    await expect(Promise.all(lookups)).resolves.toEqual(new Array(5).fill(['93.184.216.34']));
    expect(dns.queriesFor('shared.example')).toBe(2);
    expect(r.stats()).toMatchObject({ inFlight: 0, activeQueries: 0, entries: 1 });
  });

  it('fails a server that never answers after the timeout, without holding the libuv thread pool', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `hang${i}.example`);
    for (const name of names) dns.zone.set(name, { hang: true });
    const r = resolver({ timeoutMs: 3_000 });
    const lookups = names.map((name) => track(r.lookup(name)));
    expect(r.stats().activeQueries).toBe(8);

    // 16 pool jobs: with 8 getaddrinfo calls blocking the 4 pool threads, none of them could start before those end.
    await poolWork(8);
    expect(lookups.map((lookup) => lookup.settled())).toEqual(new Array(8).fill(false));
    // The queries really are out there, unanswered.
    for (const name of names) expect(dns.queriesFor(name)).toBeGreaterThanOrEqual(1);

    for (const lookup of lookups) {
      const error = await rejection(lookup.promise);
      expect(error.code).toBe('ETIMEOUT');
      expect(error.message).toMatch(/timed out after 3000 ms/);
    }
  });

  it('control: the same probe does wait while something holds every pool thread', async () => {
    // Opening a FIFO for reading blocks its pool thread until a writer comes: what a hanging getaddrinfo does.
    const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    const dir = mkdtempSync(join(tmpdir(), 'pool-control-'));
    try {
      const fifos = Array.from({ length: threads }, (_, i) => join(dir, `fifo${i}`));
      execFileSync('mkfifo', fifos);
      const readers = fifos.map((fifo) => fsp.open(fifo, 'r'));
      const probe = track(poolWork(8));
      await sleep(300);
      expect(probe.settled()).toBe(false);
      for (const fifo of fifos) await unblock(fifo);
      await probe.promise;
      await Promise.all((await Promise.all(readers)).map((handle) => handle.close()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('caches a timeout only briefly', async () => {
    dns.zone.set('slow.example', { hang: true });
    const r = resolver({ timeoutMs: 300, failureTtlMs: 1_000 });
    expect((await rejection(r.lookup('slow.example'))).code).toBe('ETIMEOUT');
    const sent = dns.queriesFor('slow.example');
    expect((await rejection(r.lookup('slow.example'))).code).toBe('ETIMEOUT');
    expect(dns.queriesFor('slow.example')).toBe(sent);
    clock += 1_001;
    dns.zone.set('slow.example', { a: ['93.184.216.34'] });
    // c-ares may still be retrying the first query; a new lookup asks again either way.
    await expect(r.lookup('slow.example')).resolves.toEqual(['93.184.216.34']);
  });

  it('lets one caller wait less than the query lasts, and still caches the answer for the next', async () => {
    dns.zone.set('late.example', { a: ['93.184.216.34'], delayMs: 400 });
    const r = resolver({ timeoutMs: 5_000 });
    const patient = track(r.lookup('late.example'));
    const hurried = await rejection(r.withTimeout(100)('late.example'));
    expect(hurried.code).toBe('ETIMEOUT');
    expect(patient.settled()).toBe(false);
    await expect(patient.promise).resolves.toEqual(['93.184.216.34']);
    await expect(r.lookup('late.example')).resolves.toEqual(['93.184.216.34']);
    expect(dns.queriesFor('late.example')).toBe(2);
  });

  it('bounds the names asked at once and fails past the bound at once, freeing slots when c-ares is done', async () => {
    dns.zone.set('cached.example', { a: ['93.184.216.34'] });
    dns.zone.set('after.example', { a: ['93.184.216.35'] });
    const r = resolver({ maxConcurrent: 3, timeoutMs: 600 });
    await r.lookup('cached.example');
    const hanging = ['h1', 'h2', 'h3'].map((label) => {
      dns.zone.set(`${label}.example`, { hang: true });
      return track(r.lookup(`${label}.example`));
    });

    const refused = await rejection(r.lookup('one-too-many.example'));
    expect(refused.code).toBeUndefined();
    expect(refused.message).toBe('too many DNS lookups in flight, limit 3');
    expect(dns.queriesFor('one-too-many.example')).toBe(0);
    expect(hanging.map((lookup) => lookup.settled())).toEqual([false, false, false]);
    // Neither a cached name nor one already being asked needs a slot.
    await expect(r.lookup('cached.example')).resolves.toEqual(['93.184.216.34']);
    const joined = track(r.lookup('h1.example'));

    // The registration check reports it as a 422 reason.
    const blocked = await checkTarget(new URL('https://also-too-many.example/'), { allowPrivate: false, allowedCidrs: [] }, r.resolve).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(BlockedTargetError);
    expect((blocked as Error).message).toBe('host also-too-many.example could not be resolved (too many DNS lookups in flight, limit 3)');

    for (const lookup of [...hanging, joined]) await rejection(lookup.promise);
    for (let i = 0; i < 100 && r.stats().activeQueries > 0; i += 1) await sleep(50);
    expect(r.stats().activeQueries).toBe(0);
    await expect(r.lookup('after.example')).resolves.toEqual(['93.184.216.35']);
  });

  it('evicts the least recently used name past maxEntries', async () => {
    for (const name of ['a.example', 'b.example', 'c.example']) dns.zone.set(name, { a: ['93.184.216.34'] });
    const r = resolver({ maxEntries: 2 });
    await r.lookup('a.example');
    await r.lookup('b.example');
    await r.lookup('a.example'); // a is now the most recent
    await r.lookup('c.example'); // evicts b
    expect(r.stats().entries).toBe(2);
    await r.lookup('a.example');
    expect(dns.queriesFor('a.example')).toBe(2);
    await r.lookup('b.example');
    expect(dns.queriesFor('b.example')).toBe(4);
  });

  it('never asks DNS for IP literals or localhost names', async () => {
    const r = resolver();
    await expect(r.lookup('93.184.216.34')).resolves.toEqual(['93.184.216.34']);
    await expect(r.lookup('[::1]')).resolves.toEqual(['::1']);
    await expect(r.lookup('::1')).resolves.toEqual(['::1']);
    for (const name of ['localhost', 'LOCALHOST.', 'api.localhost']) await expect(r.lookup(name)).resolves.toEqual(['127.0.0.1', '::1']);
    expect(dns.queries).toHaveLength(0);
  });

  it('answers names listed in the hosts file from the file, and notices when it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
    try {
      const hostsFile = join(dir, 'hosts');
      writeFileSync(hostsFile, '# pinned\n2001:db8::10 pinned.internal\n192.0.2.10 pinned.internal other.internal # trailing comment\n');
      const r = resolver({ hostsFile, hostsRecheckMs: 5_000 });
      await expect(r.lookup('pinned.internal')).resolves.toEqual(['192.0.2.10', '2001:db8::10']);
      await expect(r.lookup('Other.Internal.')).resolves.toEqual(['192.0.2.10']);
      expect(dns.queries).toHaveLength(0);

      writeFileSync(hostsFile, '192.0.2.11 pinned.internal\n');
      clock += 5_000;
      await expect(r.lookup('pinned.internal')).resolves.toEqual(['192.0.2.11']);
      // other.internal is no longer listed: DNS is asked.
      expect((await rejection(r.lookup('other.internal'))).code).toBe('ENOTFOUND');
      expect(dns.queriesFor('other.internal')).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CachingResolver options', () => {
  it('keeps the default for an option passed as undefined', () => {
    expect(new CachingResolver({ timeoutMs: undefined, hostsFile: null }).timeoutMs).toBe(5_000);
    expect(new CachingResolver({ timeoutMs: 1_500, hostsFile: null }).timeoutMs).toBe(1_500);
  });
});

describe('parseHosts', () => {
  it('reads address and names, skips comments and junk', () => {
    const table = parseHosts('127.0.0.1 localhost\n::1 localhost ip6-localhost\n# 10.0.0.1 commented\nnot-an-ip name\n10.0.0.2\n\n10.0.0.3\tTabbed.Name\n');
    expect(Object.fromEntries(table)).toEqual({
      localhost: ['127.0.0.1', '::1'],
      'ip6-localhost': ['::1'],
      'tabbed.name': ['10.0.0.3'],
    });
  });
});

describe('systemResolver', () => {
  it('resolves localhost to loopback without DNS when private targets are allowed', async () => {
    // localhost never reaches DNS (see above), so the process-wide resolver asks no server here.
    await expect(checkTarget(new URL('http://localhost:8080/hook'), { allowPrivate: true, allowedCidrs: [] })).resolves.toEqual(['127.0.0.1', '::1']);
    await expect(checkTarget(new URL('http://127.0.0.1:8080/hook'), { allowPrivate: true, allowedCidrs: [] })).resolves.toEqual(['127.0.0.1']);
  });
});

/** A channel whose every query waits until the test answers it. */
function manualChannel() {
  type Call = { name: string; family: 4 | 6; answer: (addresses: string[], ttl?: number) => void; fail: (code: string) => void };
  const calls: Call[] = [];
  const ask = (family: 4 | 6) => (name: string) =>
    new Promise((resolve, reject) =>
      calls.push({
        name,
        family,
        answer: (addresses, ttl = 60) => resolve(addresses.map((address) => ({ address, ttl }))),
        fail: (code) => reject(Object.assign(new Error(`query ${code} ${name}`), { code })),
      }),
    );
  const channel = { resolve4: ask(4), resolve6: ask(6) } as unknown as DnsChannel;
  return { channel, calls };
}

describe('CachingResolver answer handling', () => {
  let clock: number;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('never lets a late answer of an abandoned query replace a newer one, and holds its slot until it ends', async () => {
    const { channel, calls } = manualChannel();
    const r = new CachingResolver({ channel, hostsFile: null, now: () => clock, timeoutMs: 100, failureTtlMs: 1_000 });
    expect((await rejection(r.lookup('flip.example'))).code).toBe('ETIMEOUT');
    expect(r.stats()).toMatchObject({ inFlight: 0, activeQueries: 1 });

    clock += 1_001;
    const fresh = r.lookup('flip.example');
    expect(calls).toHaveLength(4);
    calls[2].answer(['93.184.216.35']);
    calls[3].fail('ENODATA');
    await expect(fresh).resolves.toEqual(['93.184.216.35']);

    calls[0].answer(['93.184.216.34']);
    calls[1].fail('ENODATA');
    await sleep(0);
    expect(r.stats().activeQueries).toBe(0);
    await expect(r.lookup('flip.example')).resolves.toEqual(['93.184.216.35']);
    expect(calls).toHaveLength(4);
  });

  it('caches the late answer of a query every waiter gave up on', async () => {
    const { channel, calls } = manualChannel();
    const r = new CachingResolver({ channel, hostsFile: null, now: () => clock, timeoutMs: 100 });
    await rejection(r.lookup('late.example'));
    calls[0].answer(['93.184.216.34']);
    calls[1].answer(['2606:4700::1111']);
    await sleep(0);
    await expect(r.lookup('late.example')).resolves.toEqual(['93.184.216.34', '2606:4700::1111']);
    expect(calls).toHaveLength(2);
  });

  it('uses the family that answered when the other failed, and asks again within the negative TTL', async () => {
    const { channel, calls } = manualChannel();
    const r = new CachingResolver({ channel, hostsFile: null, now: () => clock, negativeTtlMs: 10_000 });
    const partial = r.lookup('partial.example');
    calls[0].answer(['93.184.216.34'], 300);
    calls[1].fail('ETIMEOUT');
    await expect(partial).resolves.toEqual(['93.184.216.34']);
    clock += 9_999;
    await r.lookup('partial.example');
    expect(calls).toHaveLength(2);
    clock += 2;
    const again = r.lookup('partial.example');
    expect(calls).toHaveLength(4);
    calls[2].answer(['93.184.216.34'], 300);
    calls[3].answer(['2606:4700::1111'], 300);
    await expect(again).resolves.toEqual(['93.184.216.34', '2606:4700::1111']);
  });

  it('reports a name with no address when one family is missing and the other failed as a failure, NXDOMAIN as negative', async () => {
    const { channel, calls } = manualChannel();
    const r = new CachingResolver({ channel, hostsFile: null, now: () => clock, failureTtlMs: 1_000, negativeTtlMs: 10_000 });
    const failing = r.lookup('v6only.example');
    calls[0].fail('ENODATA');
    calls[1].fail('ESERVFAIL');
    expect((await rejection(failing)).code).toBe('ESERVFAIL');
    const missing = r.lookup('missing.example');
    calls[2].fail('ENOTFOUND');
    calls[3].fail('ETIMEOUT');
    expect((await rejection(missing)).code).toBe('ENOTFOUND');
    clock += 1_001;
    void r.lookup('v6only.example').catch(() => undefined);
    void r.lookup('missing.example').catch(() => undefined);
    expect(calls.map((call) => call.name)).toEqual([...new Array(2).fill('v6only.example'), ...new Array(2).fill('missing.example'), ...new Array(2).fill('v6only.example')]);
    for (const call of calls.slice(4)) call.fail('ECANCELLED');
  });
});
