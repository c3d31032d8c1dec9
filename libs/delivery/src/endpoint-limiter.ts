/**
 * Bounds how many attempts this process runs at once against one endpoint (its URL origin: several webhooks on one
 * host share a bound), so a slow or dead receiver holds at most `max` of the worker's slots and the others keep
 * flowing. In-process: N worker replicas allow N × max in flight to one origin.
 */
export class EndpointLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly max: number) {}

  /** A release function when a slot is free (call it once the request is over), or null when the endpoint is at its bound. */
  tryAcquire(url: string): (() => void) | null {
    const key = endpointKey(url);
    const current = this.inFlight.get(key) ?? 0;
    if (current >= this.max) return null;
    this.inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    };
  }
}

/** scheme://host:port, the unit a receiver's capacity belongs to. */
export function endpointKey(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
