import type { BinUrlBases } from '../public-url';
import { Bin, StoredRequest } from './bin.store';

export interface BinView {
  id: string;
  url: string;
  page_url: string;
  created_at: string;
  request_count: number;
  config: { status: number; delay_ms: number; has_secret: boolean };
}

export interface RequestView {
  id: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  body_encoding: 'utf8' | 'base64';
  body_bytes: number;
  truncated: boolean;
  received_at: string;
  remote_address: string | null;
  signature: 'valid' | 'invalid' | 'missing' | null;
  signature_reason: string | null;
  /** The status the bin answered with; null while it is still waiting out its delay, or when the sender left first. */
  answered_status: number | null;
}

export function toBinView(bin: Bin, bases: BinUrlBases): BinView {
  return {
    id: bin.id,
    url: `${bases.hooks}/b/${bin.id}`,
    page_url: `${bases.pages}/bins/${bin.id}`,
    created_at: bin.createdAt.toISOString(),
    request_count: bin.requests.length,
    config: { status: bin.settings.status, delay_ms: bin.settings.delayMs, has_secret: bin.settings.secret !== null },
  };
}

export function toRequestView(request: StoredRequest): RequestView {
  const text = decodeUtf8(request.body, request.truncated);
  return {
    id: request.id,
    method: request.method,
    path: request.path,
    query: request.query,
    headers: request.headers,
    body: text ?? request.body.toString('base64'),
    body_encoding: text === null ? 'base64' : 'utf8',
    body_bytes: request.body.length,
    truncated: request.truncated,
    received_at: request.receivedAt.toISOString(),
    remote_address: request.remoteAddress,
    signature: request.signature?.verdict ?? null,
    signature_reason: request.signature?.reason ?? null,
    answered_status: request.answeredStatus,
  };
}

/**
 * The body as text when it is UTF-8. A truncated body may end inside a character, so up to three trailing bytes may
 * be dropped from it before deciding it is binary.
 */
function decodeUtf8(body: Buffer, truncated: boolean): string | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= (truncated ? 3 : 0) && cut <= body.length; cut++) {
    try {
      return decoder.decode(body.subarray(0, body.length - cut));
    } catch {
      // not text at this length; try one byte shorter when truncated
    }
  }
  return null;
}
