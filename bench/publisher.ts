import { Agent, request } from 'undici';
import { now } from './clock';
import { Unavailable } from './context';
import { EVENT_TYPE_KEY, eventData } from './payload';

export interface Published {
  status: number;
  /** The event id from the 202 answer (`data.id` or `data.event_id`), when it carried one. */
  eventId: string | null;
  /** clock.now() just before the request was sent. */
  sentAt: number;
  /** clock.now() when the answer had been read. */
  answeredAt: number;
  error: string | null;
}

export interface PublishTotals {
  accepted: number;
  failed: number;
  firstError: string | null;
  startedAt: number;
  endedAt: number;
}

/** Publishes bench events through `POST /v1/events` with one undici Agent, as a tenant's backend would. */
export class Publisher {
  private readonly agent: Agent;
  private readonly url: string;

  constructor(
    apiUrl: string,
    private readonly apiKey: string,
    connections: number,
  ) {
    this.agent = new Agent({ connections, keepAliveTimeout: 30_000 });
    this.url = `${apiUrl}/v1/events`;
  }

  async publish(seq: number): Promise<Published> {
    const sentAt = now();
    try {
      const response = await request(this.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event_type: EVENT_TYPE_KEY, data: eventData(seq) }),
        headersTimeout: 15_000,
        bodyTimeout: 15_000,
      });
      const text = await response.body.text();
      // The bench's event type exists, so a 404 means the endpoint itself is not there.
      if (response.statusCode === 404) throw new Unavailable(`/v1/events answered 404 (${text.slice(0, 120)})`);
      const answeredAt = now();
      if (response.statusCode !== 202) return { status: response.statusCode, eventId: null, sentAt, answeredAt, error: `HTTP ${response.statusCode}: ${text.slice(0, 200)}` };
      return { status: 202, eventId: eventIdOf(text), sentAt, answeredAt, error: null };
    } catch (error) {
      if (error instanceof Unavailable) throw error;
      return { status: 0, eventId: null, sentAt, answeredAt: now(), error: (error as Error).message };
    }
  }

  /** `count` events, `inFlight` at a time; `onPublished` sees each answer. Stops early when the endpoint is missing. */
  async publishMany(count: number, inFlight: number, onPublished?: (published: Published) => void): Promise<PublishTotals> {
    const totals: PublishTotals = { accepted: 0, failed: 0, firstError: null, startedAt: now(), endedAt: 0 };
    let next = 0;
    let missing: Unavailable | null = null;
    const lane = async () => {
      while (next < count && !missing) {
        const seq = next++;
        try {
          const published = await this.publish(seq);
          if (published.status === 202) totals.accepted += 1;
          else {
            totals.failed += 1;
            totals.firstError ??= published.error;
          }
          onPublished?.(published);
        } catch (error) {
          missing = error as Unavailable;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
    if (missing) throw missing;
    totals.endedAt = now();
    return totals;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function eventIdOf(text: string): string | null {
  try {
    const data = (JSON.parse(text) as { data?: { id?: unknown; event_id?: unknown } }).data;
    const id = data?.id ?? data?.event_id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
