import { randomUUID } from 'node:crypto';
import { SignatureCheck } from '../capture/signature';

/** How a bin answers: the status and delay a test or a developer chose, and the secret to verify signatures with. */
export interface BinSettings {
  status: number;
  delayMs: number;
  secret: string | null;
}

export interface StoredRequest {
  id: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The sender's body went past the cap; `body` holds only its first bytes. */
  truncated: boolean;
  receivedAt: Date;
  remoteAddress: string | null;
  /** Null when the bin had no secret at the time the request arrived. */
  signature: SignatureCheck | null;
  /** Set once the answer went out. */
  answeredStatus: number | null;
}

export interface Bin {
  id: string;
  createdAt: Date;
  settings: BinSettings;
  /** Oldest first, so eviction is a shift. */
  requests: StoredRequest[];
}

export interface StoreLimits {
  bins: number;
  requestsPerBin: number;
  /** Bodies and headers of every bin together; 100 bins of 1000 requests of 1 MiB would not fit in any laptop. */
  totalBytes: number;
}

export const DEFAULT_LIMITS: StoreLimits = { bins: 100, requestsPerBin: 1000, totalBytes: 64 * 1024 * 1024 };

export const DEFAULT_SETTINGS: BinSettings = { status: 200, delayMs: 0, secret: null };

/**
 * Everything the inspector knows, in memory and bounded three ways (bins, requests per bin, bytes): past any bound
 * the oldest goes, so a forgotten inspector left running cannot grow without end.
 */
export class BinStore {
  private readonly bins = new Map<string, Bin>();
  private bytes = 0;

  constructor(private readonly limits: StoreLimits = DEFAULT_LIMITS) {}

  create(): Bin {
    const bin: Bin = { id: randomUUID(), createdAt: new Date(), settings: { ...DEFAULT_SETTINGS }, requests: [] };
    this.bins.set(bin.id, bin);
    while (this.bins.size > this.limits.bins) this.dropBin(this.bins.keys().next().value as string);
    return bin;
  }

  get(id: string): Bin | undefined {
    return this.bins.get(id);
  }

  /** Newest first. */
  list(): Bin[] {
    return [...this.bins.values()].reverse();
  }

  /** Stores `request` in `bin` unless the bin was dropped while the request's body was still arriving. */
  add(bin: Bin, request: StoredRequest): boolean {
    if (this.bins.get(bin.id) !== bin) return false;
    bin.requests.push(request);
    this.bytes += sizeOf(request);
    while (bin.requests.length > this.limits.requestsPerBin) this.bytes -= sizeOf(bin.requests.shift()!);
    while (this.bytes > this.limits.totalBytes && this.dropOldestRequest()) {
      // each turn frees the oldest request of all bins
    }
    return true;
  }

  get storedBytes(): number {
    return this.bytes;
  }

  private dropBin(id: string): void {
    const bin = this.bins.get(id);
    if (!bin) return;
    for (const request of bin.requests) this.bytes -= sizeOf(request);
    this.bins.delete(id);
  }

  private dropOldestRequest(): boolean {
    let oldest: Bin | null = null;
    for (const bin of this.bins.values()) {
      const first = bin.requests[0];
      if (first && (!oldest || first.receivedAt < oldest.requests[0].receivedAt)) oldest = bin;
    }
    if (!oldest) return false;
    this.bytes -= sizeOf(oldest.requests.shift()!);
    return true;
  }
}

/** What a request costs in memory, near enough to bound it. */
function sizeOf(request: StoredRequest): number {
  let size = request.body.length + request.path.length + request.query.length + 256;
  for (const [name, value] of Object.entries(request.headers)) size += name.length + value.length;
  return size;
}
