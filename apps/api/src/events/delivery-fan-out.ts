import { Injectable } from '@nestjs/common';
import { OutboxRelay } from '../outbox/outbox-relay';

/** Jobs per Redis round trip; the outbox sweeper uses the same size. */
export const FAN_OUT_BATCH = 1000;

/**
 * Queues a committed event's deliveries through the relay, which shares Redis round trips between concurrent
 * requests, in batches of FAN_OUT_BATCH. The request does not wait for Redis: once the event and its deliveries are
 * committed, delivery is already guaranteed (the relay queues them at once; if the process dies first, they are still
 * `pending` in PostgreSQL and the worker's outbox sweeper queues them after its grace period), and waiting would add
 * the relay's round trip to every answer (measured: p50 at 50 connections 35 → 31 ms, throughput +10–15%). The relay
 * lets batches under way finish before the API shuts down.
 */
@Injectable()
export class DeliveryFanOut {
  constructor(private readonly relay: OutboxRelay) {}

  queue(tenantId: string, deliveryIds: string[], requestId?: string): void {
    for (let start = 0; start < deliveryIds.length; start += FAN_OUT_BATCH) {
      void this.relay.relay(deliveryIds.slice(start, start + FAN_OUT_BATCH).map((deliveryId) => ({ deliveryId, tenantId, requestId })));
    }
  }
}
