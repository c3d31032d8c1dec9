import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import type Redis from 'ioredis';
import type { ExpiringCache } from './expiring-cache';

/** A row an API process may hold in memory changed: every process drops its copy. */
export type Invalidation = { kind: 'api-key'; keyId: string } | { kind: 'event-types'; tenantId: string };

/** `null`: anything may have changed (messages may have been missed while Redis was away): drop everything. */
export type InvalidationListener = (invalidation: Invalidation | null) => void;

/**
 * Tells every API process (replicas included) that a cached row changed, over Redis pub/sub on
 * `<QUEUE_PREFIX>:invalidate`. The process making the change applies it to itself at once, before answering; the
 * others within a Redis round trip. Pub/sub delivers at most once: while the subscriber is disconnected nothing
 * arrives, so on every reconnect the listeners are told to drop everything, and the caches' TTL bounds how long a
 * missed message can matter (a publish that fails is logged).
 */
@Injectable()
export class InvalidationBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InvalidationBus.name);
  private readonly listeners: InvalidationListener[] = [];
  private readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = `${config.queuePrefix}:invalidate`;
  }

  private listen(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  /**
   * Keeps `cache` true to the rows it copies: an invalidation of `kind` drops the entries `matches` names, and
   * everything is dropped after a reconnect (when messages may have been missed).
   */
  follow<K, V, Kind extends Invalidation['kind']>(
    cache: ExpiringCache<K, V>,
    kind: Kind,
    matches: (value: V, invalidation: Extract<Invalidation, { kind: Kind }>) => boolean,
  ): void {
    this.listen((invalidation) => {
      if (invalidation === null) cache.clear();
      else if (invalidation.kind === kind) cache.deleteWhere((value) => matches(value, invalidation as Extract<Invalidation, { kind: Kind }>));
    });
  }

  /** Applies the change here, then tells the other processes. Never throws: the TTL covers a failed publish. */
  async announce(invalidation: Invalidation): Promise<void> {
    this.dispatch(invalidation);
    try {
      await this.queue.client.publish(this.channel, JSON.stringify(invalidation));
    } catch (error) {
      this.logger.warn(`Could not tell other API processes that a ${invalidation.kind} changed: ${(error as Error).message}`);
    }
  }

  onApplicationBootstrap(): void {
    // Same connection settings as the queue's own client, but retrying for as long as it takes: a subscriber.
    const subscriber = this.queue.client.duplicate({ maxRetriesPerRequest: null, lazyConnect: true, autoResubscribe: false });
    this.subscriber = subscriber;
    let connectedBefore = false;
    subscriber.on('ready', () => {
      // Whatever was published while this subscriber was away is lost: start from nothing.
      if (connectedBefore) this.dispatch(null);
      connectedBefore = true;
      subscriber.subscribe(this.channel).catch(() => undefined);
    });
    subscriber.on('error', () => undefined); // reconnects by itself; the queue's client reports outages
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.dispatch(parse(message));
    });
    subscriber.connect().catch(() => undefined); // ioredis keeps trying; it subscribes on 'ready'
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private dispatch(invalidation: Invalidation | null): void {
    for (const listener of this.listeners) listener(invalidation);
  }
}

/** Anything but a well-formed message drops everything: safe whatever was sent on the channel. */
function parse(message: string): Invalidation | null {
  try {
    const value = JSON.parse(message) as Partial<Record<string, unknown>>;
    if (value.kind === 'api-key' && typeof value.keyId === 'string') return { kind: 'api-key', keyId: value.keyId };
    if (value.kind === 'event-types' && typeof value.tenantId === 'string') return { kind: 'event-types', tenantId: value.tenantId };
  } catch {
    // fall through
  }
  return null;
}
