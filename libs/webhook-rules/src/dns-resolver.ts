import { promises as dns, RecordWithTtl } from 'node:dns';
import { readFileSync, statSync } from 'node:fs';
import { isIP, isIPv4 } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Every address a hostname resolves to; injectable so tests never touch real DNS. */
export type Resolver = (hostname: string) => Promise<string[]>;

/**
 * Why not `dns.lookup`: it runs getaddrinfo(3) on one of libuv's four pool threads and keeps the thread until the
 * system resolver gives up (10 s and more against a server that never answers), whatever our own timeout does. Four
 * names pointed at such a server stall every file write, crypto call and lookup of the process. c-ares (`Resolver`)
 * sends the queries from the event loop instead, so a hanging server costs a socket and a timer, not a thread.
 *
 * What c-ares does not do, and how it is made up for:
 * - `/etc/hosts`: its resolve* methods only ask DNS. The few names the file lists are read here, before DNS, as
 *   nsswitch's usual "files dns" would: containers and hosts use it for their own name and for pinned names, it is a
 *   local file an operator controls (never a tenant), and it costs a stat every few seconds. Names a tenant registers
 *   only get there if the operator put them there; the address rules still judge every address it gives.
 * - `localhost` and `*.localhost` are loopback without asking anything (RFC 6761), 127.0.0.1 first: the receivers in
 *   the tests and the walkthrough listen on IPv4, and the connector pins the first address. checkHost refuses these
 *   names before any lookup unless private targets are allowed, so this only serves ALLOW_PRIVATE_TARGETS=true.
 * - The search list of /etc/resolv.conf is not applied (Node's resolve* send the name as given); the name servers,
 *   e.g. Docker's embedded DNS at 127.0.0.11 that answers the compose stack's container names, are used.
 */

export const DNS_DEFAULTS = {
  /** Longest a lookup waits for DNS, all tries included; DELIVERY_TIMEOUT_MS still bounds a whole attempt. */
  timeoutMs: 5_000,
  /** Sends per name server: one retry covers a lost UDP packet; more only stretch a dead server's cost. */
  tries: 2,
  /** Names being asked at once in the process (each is an A and an AAAA query); beyond it a lookup fails at once. */
  maxConcurrent: 64,
  /** Cached names, least recently used evicted first. */
  maxEntries: 10_000,
  /** A TTL of 0 would send a query per attempt for a hot endpoint. */
  minTtlMs: 1_000,
  /** Bounds how long a changed record goes unnoticed. */
  maxTtlMs: 300_000,
  /** NXDOMAIN or no A/AAAA record; also the cap for an answer whose other family failed. */
  negativeTtlMs: 10_000,
  /** A timeout or server failure: long enough that a burst of attempts shares it, short enough to not matter. */
  failureTtlMs: 1_000,
  hostsFile: '/etc/hosts',
  hostsRecheckMs: 5_000,
} as const;

export interface DnsResolverOptions {
  timeoutMs?: number;
  tries?: number;
  maxConcurrent?: number;
  maxEntries?: number;
  minTtlMs?: number;
  maxTtlMs?: number;
  negativeTtlMs?: number;
  failureTtlMs?: number;
  /** Null: no hosts file, DNS only. */
  hostsFile?: string | null;
  hostsRecheckMs?: number;
  /** Name servers (`ip` or `ip:port`) instead of those in /etc/resolv.conf; tests point this at a local server. */
  servers?: string[];
  /** Milliseconds on a monotonic clock; injectable so tests can step over TTLs. */
  now?: () => number;
  /** The c-ares channel to ask, for tests that need to control each answer; `servers` is then ignored. */
  channel?: DnsChannel;
}

/** The part of node:dns' promise Resolver used here. */
export type DnsChannel = Pick<dns.Resolver, 'resolve4' | 'resolve6'>;

/** `code` follows node:dns (ENOTFOUND, ENODATA, ETIMEOUT, ...); absent when no DNS answer was involved. */
export class DnsLookupError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
    readonly hostname: string,
  ) {
    super(message);
    this.name = 'DnsLookupError';
  }
}

interface CacheEntry {
  /** The query it came from: a late answer never replaces one from a newer query. */
  query: number;
  expiresAt: number;
  addresses: readonly string[] | null;
  error: DnsLookupError | null;
}

interface FamilyAnswer {
  records: RecordWithTtl[];
  code: string | null;
}

/* Answers that say something about the name itself, as opposed to the server or the path to it. */
const NEGATIVE_CODES = new Set(['ENOTFOUND', 'ENODATA', 'EBADNAME']);
const LOOPBACK = Object.freeze(['127.0.0.1', '::1']);

/* Duck-typed: errors from node:dns may come from another realm (jest's vm sandbox). */
function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code !== '' ? code : 'EUNKNOWN';
}

function bareName(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, '');
}

function ipv4First(addresses: string[]): string[] {
  return [...addresses.filter((a) => isIPv4(a)), ...addresses.filter((a) => !isIPv4(a))];
}

/** name → addresses, IPv4 first, in file order otherwise. */
export function parseHosts(text: string): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || aliases.length === 0 || isIP(address) === 0) continue;
    for (const alias of aliases) {
      const name = bareName(alias);
      const list = names.get(name) ?? [];
      if (!list.includes(address)) list.push(address);
      names.set(name, list);
    }
  }
  for (const [name, list] of names) names.set(name, ipv4First(list));
  return names;
}

/* Re-read when the file changes, noticed by a stat at most every `recheckMs`: a few µs, on the main thread. */
class HostsFile {
  private names = new Map<string, string[]>();
  private checkedAt = -Infinity;
  private stamp: string | null = null;

  constructor(
    private readonly path: string,
    private readonly recheckMs: number,
    private readonly now: () => number,
  ) {}

  get(name: string): string[] | undefined {
    const now = this.now();
    if (now - this.checkedAt >= this.recheckMs) {
      this.checkedAt = now;
      this.reload();
    }
    return this.names.get(name);
  }

  private reload(): void {
    let stamp = 'missing';
    try {
      const stat = statSync(this.path);
      stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      // No file (or no access): DNS only.
    }
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    try {
      this.names = stamp === 'missing' ? new Map() : parseHosts(readFileSync(this.path, 'utf8'));
    } catch {
      this.names = new Map();
    }
  }
}

function rejectAfter<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * A c-ares resolver with a process-wide answer cache: entries live for their TTL (clamped), negative answers and
 * failures briefly, at most `maxEntries` of them (LRU). Lookups of a name already being asked join that query, and
 * at most `maxConcurrent` names are asked at once: past that, a lookup fails at once rather than queueing, so a flood
 * of unique names costs bounded sockets and memory. A slot is held until c-ares itself is done with the query, even
 * when the caller stopped waiting earlier, so the bound counts what is really outstanding.
 */
export class CachingResolver {
  /** The Resolver checkHost and the connector take. */
  readonly resolve: Resolver = (hostname) => this.lookup(hostname);

  private readonly channel: DnsChannel;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, { query: number; pending: Promise<string[]> }>();
  private queries = 0;
  private readonly hosts: HostsFile | null;
  private readonly now: () => number;
  private active = 0;
  readonly timeoutMs: number;
  private readonly maxConcurrent: number;
  private readonly maxEntries: number;
  private readonly minTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly failureTtlMs: number;

  constructor(options: DnsResolverOptions = {}) {
    // An option passed as undefined keeps its default (null, for hostsFile, means none).
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as DnsResolverOptions;
    const settings = { ...DNS_DEFAULTS, ...given };
    this.timeoutMs = Math.max(1, settings.timeoutMs);
    this.maxConcurrent = Math.max(1, settings.maxConcurrent);
    this.maxEntries = Math.max(1, settings.maxEntries);
    this.minTtlMs = settings.minTtlMs;
    this.maxTtlMs = Math.max(settings.minTtlMs, settings.maxTtlMs);
    this.negativeTtlMs = settings.negativeTtlMs;
    this.failureTtlMs = settings.failureTtlMs;
    this.now = options.now ?? (() => performance.now());
    const tries = Math.max(1, Math.floor(settings.tries));
    /*
     * c-ares doubles the wait on each round of tries (t, 2t, ...: 2^tries - 1 times t in all), so `t` is chosen for
     * the whole to come to timeoutMs. Node checks c-ares' timers on a tick of at most 1 s, which can make c-ares
     * give up up to a second late: the wait below is cut at timeoutMs by our own timer regardless, while the slot
     * stays held until c-ares is done.
     */
    const perTry = Math.max(1, Math.floor(this.timeoutMs / (2 ** tries - 1)));
    if (options.channel) {
      this.channel = options.channel;
    } else {
      const channel = new dns.Resolver({ timeout: perTry, tries });
      if (options.servers) channel.setServers(options.servers);
      this.channel = channel;
    }
    this.hosts = settings.hostsFile === null ? null : new HostsFile(settings.hostsFile, settings.hostsRecheckMs, this.now);
  }

  /**
   * Every address of `hostname`, IPv4 first. `timeoutMs` can only shorten this caller's wait (the query itself keeps
   * its own bound, and its answer is still cached for whoever asks next).
   */
  lookup(hostname: string, timeoutMs = this.timeoutMs): Promise<string[]> {
    const unbracketed = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
    if (isIP(unbracketed) !== 0) return Promise.resolve([unbracketed]);
    const bare = bareName(hostname);
    if (bare === 'localhost' || bare.endsWith('.localhost')) return Promise.resolve([...LOOPBACK]);
    const listed = this.hosts?.get(bare);
    if (listed) return Promise.resolve([...listed]);

    const name = hostname.toLowerCase();
    const entry = this.cached(name);
    if (entry) return entry.error ? Promise.reject(entry.error) : Promise.resolve([...entry.addresses!]);
    const pending = this.inFlight.get(name)?.pending ?? this.ask(name);
    if (timeoutMs >= this.timeoutMs) return pending;
    return rejectAfter(pending, timeoutMs, () => new DnsLookupError('ETIMEOUT', `DNS lookup of ${name} timed out after ${timeoutMs} ms`, name));
  }

  /** A Resolver on this cache whose callers wait at most `timeoutMs` (never longer than this resolver's own timeout). */
  withTimeout(timeoutMs: number): Resolver {
    return (hostname) => this.lookup(hostname, timeoutMs);
  }

  stats(): { entries: number; inFlight: number; activeQueries: number } {
    return { entries: this.cache.size, inFlight: this.inFlight.size, activeQueries: this.active };
  }

  clear(): void {
    this.cache.clear();
  }

  private cached(name: string): CacheEntry | undefined {
    const entry = this.cache.get(name);
    if (!entry) return undefined;
    this.cache.delete(name);
    if (entry.expiresAt <= this.now()) return undefined;
    this.cache.set(name, entry); // most recently used goes last
    return entry;
  }

  private store(name: string, entry: CacheEntry): void {
    this.cache.delete(name);
    this.cache.set(name, entry);
    while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
  }

  private ask(name: string): Promise<string[]> {
    if (this.active >= this.maxConcurrent) {
      return Promise.reject(new DnsLookupError(undefined, `too many DNS lookups in flight, limit ${this.maxConcurrent}`, name));
    }
    this.active += 1;
    const query = ++this.queries;
    const answered = Promise.all([this.query(name, 4), this.query(name, 6)]).then((answers) => this.judge(name, query, answers));
    // Whenever c-ares is done, even after the waiters gave up: the slot frees, and a late answer is still news
    // unless a newer query for the name has started since.
    void answered.then((entry) => {
      this.active -= 1;
      const cached = this.cache.get(name);
      const newer = (cached !== undefined && cached.query > query) || (this.inFlight.get(name)?.query ?? 0) > query;
      if (!newer) this.store(name, entry);
    });
    const settled = answered.then((entry) => (entry.error ? Promise.reject(entry.error) : [...entry.addresses!]));
    const pending = rejectAfter(settled, this.timeoutMs, () => {
      const error = new DnsLookupError('ETIMEOUT', `DNS lookup of ${name} timed out after ${this.timeoutMs} ms`, name);
      this.store(name, { query, expiresAt: this.now() + this.failureTtlMs, addresses: null, error });
      return error;
    });
    this.inFlight.set(name, { query, pending });
    const done = () => {
      if (this.inFlight.get(name)?.query === query) this.inFlight.delete(name);
    };
    pending.then(done, done);
    return pending;
  }

  private async query(name: string, family: 4 | 6): Promise<FamilyAnswer> {
    try {
      const records = family === 4 ? await this.channel.resolve4(name, { ttl: true }) : await this.channel.resolve6(name, { ttl: true });
      return { records, code: null };
    } catch (error) {
      return { records: [], code: codeOf(error) };
    }
  }

  private judge(name: string, query: number, answers: FamilyAnswer[]): CacheEntry {
    const now = this.now();
    const records = answers.flatMap((answer) => answer.records);
    const codes = answers.map((answer) => answer.code).filter((code): code is string => code !== null);
    const transient = codes.find((code) => !NEGATIVE_CODES.has(code));
    if (records.length > 0) {
      const addresses = ipv4First([...new Set(records.map((record) => record.address))]);
      const ttlMs = Math.min(...records.map((record) => record.ttl)) * 1000;
      let lifetime = Math.min(this.maxTtlMs, Math.max(this.minTtlMs, ttlMs));
      // One family failed: what we have is safe to use (every address is checked), but ask again soon.
      if (transient) lifetime = Math.min(lifetime, this.negativeTtlMs);
      return { query, expiresAt: now + lifetime, addresses, error: null };
    }
    const failed = (code: string, message: string, ttlMs: number): CacheEntry => ({
      query,
      expiresAt: now + ttlMs,
      addresses: null,
      error: new DnsLookupError(code, message, name),
    });
    if (codes.includes('ENOTFOUND')) return failed('ENOTFOUND', `${name} does not exist (NXDOMAIN)`, this.negativeTtlMs);
    if (transient === undefined) return failed(codes.includes('EBADNAME') ? 'EBADNAME' : 'ENODATA', `${name} has no A or AAAA record`, this.negativeTtlMs);
    // c-ares' own timeout and ours end at about the same time; whichever comes first, it reads the same.
    const reason = transient === 'ETIMEOUT' ? `timed out after ${this.timeoutMs} ms` : `failed (${transient})`;
    return failed(transient, `DNS lookup of ${name} ${reason}`, this.failureTtlMs);
  }
}

let shared: CachingResolver | null = null;

/** The process-wide resolver and cache, made on first use (it reads /etc/resolv.conf then). */
export function sharedResolver(): CachingResolver {
  shared ??= new CachingResolver();
  return shared;
}
