import { buildBody } from '@hookline/delivery';
import { randomUUID } from 'node:crypto';

/** The event type every bench tenant publishes. */
export const EVENT_TYPE_KEY = 'bench.ping';
export const BODY_BYTES = 1024;

/** Sized once so the body a receiver gets (envelope + data) is 1 KiB, as in the raw ceiling. */
const PAD = 'x'.repeat(BODY_BYTES - buildBody({ id: randomUUID(), typeKey: EVENT_TYPE_KEY, createdAt: new Date(), data: { seq: 10_000, pad: '' } }, null).length);

export interface EventData {
  seq: number;
  pad: string;
}

export function eventData(seq: number): EventData {
  return { seq, pad: PAD };
}

/** Exactly what the worker sends for a bench event: the raw ceiling signs and posts the same bytes. */
export function deliveryBody(eventId: string, seq: number): string {
  return buildBody({ id: eventId, typeKey: EVENT_TYPE_KEY, createdAt: new Date(), data: eventData(seq) }, null);
}
