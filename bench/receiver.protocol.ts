/** Messages between the bench and its receiver process. Every request carries `rid`; its answer echoes it. */

export interface PathStats {
  /** Distinct `webhook-id` values seen on the path. */
  distinct: number;
  /** Every request, duplicates included. */
  total: number;
  /** Arrival time (clock.now) of the first request and of the last new `webhook-id`. */
  firstAt: number | null;
  lastAt: number | null;
}

export type ReceiverRequest =
  /** Forget everything; paths under `trackPrefix` also keep each event id's arrival time (for latency). */
  | { type: 'reset'; rid: number; trackPrefix?: string }
  | { type: 'stats'; rid: number; path: string }
  /** Answered as soon as `path` has `count` distinct ids, or at `timeoutMs` with whatever it has. */
  | { type: 'wait'; rid: number; path: string; count: number; timeoutMs: number }
  | { type: 'arrivals'; rid: number; path: string };

export type ReceiverReply =
  | { type: 'ready'; port: number }
  | { type: 'reset'; rid: number }
  | { type: 'stats'; rid: number; stats: PathStats }
  | { type: 'wait'; rid: number; reached: boolean; stats: PathStats }
  /** [event id, arrival time] for every distinct delivery on a tracked path. */
  | { type: 'arrivals'; rid: number; arrivals: Array<[string, number]> };
