/**
 * A bounded map whose entries expire `ttlMs` after they were set. Used for what the API would otherwise read from
 * PostgreSQL on every request (a key's tenant, an event type): each entry is also dropped the moment the row changes
 * (InvalidationBus), so the TTL only bounds how stale an entry can be when an invalidation was missed.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  /** Moves on every invalidation: a load that started before one must not store what it read. */
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /**
   * The cached value, else `load()`'s, which is kept unless it is null or an invalidation happened while it loaded
   * (it may have read the row just before the change committed). Only found values are kept, never absences.
   */
  async getOrLoad(key: K, load: () => Promise<V | null>): Promise<V | null> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const epoch = this.epoch;
    const value = await load();
    if (value !== null && epoch === this.epoch) this.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    // Full: start again rather than track recency on every hit; refilling costs one query per live key.
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.entries.clear();
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  /** Drops every entry whose value matches. */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    this.epoch += 1;
    for (const [key, entry] of this.entries) if (matches(entry.value, key)) this.entries.delete(key);
  }

  clear(): void {
    this.epoch += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
