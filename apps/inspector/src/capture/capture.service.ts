import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { BinStore, StoredRequest } from '../bins/bin.store';
import { Delays } from './delays';
import { readBody } from './read-body';
import { checkSignature } from './signature';

/** Larger bodies are stored cut to this size and answered 413: no webhook Hookline sends comes near it. */
export const MAX_BODY_BYTES = 1024 * 1024;

@Injectable()
export class CaptureService {
  private readonly logger = new Logger('inspector');

  constructor(
    private readonly store: BinStore,
    private readonly delays: Delays,
  ) {}

  /** Stores whatever arrived at a bin, then answers with the bin's status after its delay. */
  async capture(binId: string, request: Request, response: Response): Promise<void> {
    const bin = this.store.get(binId);
    if (!bin) {
      response.status(404).set('connection', 'close').json({ error: 'bin_not_found', message: `No bin ${binId}` });
      return;
    }
    const read = await readBody(request, MAX_BODY_BYTES).catch(() => null);
    // The sender went away mid-body: nothing complete to store and no one to answer.
    if (!read) return;
    const { body, truncated } = read;
    const headers = flattenHeaders(request.headers);
    const [path, query = ''] = request.originalUrl.split(/\?(.*)/s, 2);
    const { secret, status, delayMs } = bin.settings;
    const stored: StoredRequest = {
      id: randomUUID(),
      method: request.method,
      path,
      query,
      headers,
      body,
      truncated,
      receivedAt: new Date(),
      remoteAddress: request.socket.remoteAddress ?? null,
      signature: secret ? checkSignature(secret, headers, body) : null,
      answeredStatus: null,
    };
    this.store.add(bin, stored);
    const verdict = stored.signature ? ` signature ${stored.signature.verdict}` : '';
    this.logger.log(`${stored.method} ${path} (${body.length} bytes${truncated ? ', truncated' : ''})${verdict}`);

    if (truncated) {
      // The rest of the body was never read, so this connection cannot carry another request.
      stored.answeredStatus = 413;
      response.status(413).set('connection', 'close').json({ error: 'body_too_large', message: `Bodies over ${MAX_BODY_BYTES} bytes are cut`, request_id: stored.id });
      return;
    }
    await this.delays.wait(delayMs, response);
    if (response.destroyed || response.writableEnded) return;
    stored.answeredStatus = status;
    response.status(status).json({ bin: bin.id, request_id: stored.id });
  }
}

/** One string per header, lower-case names; repeated headers joined as HTTP allows. */
function flattenHeaders(headers: Request['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
