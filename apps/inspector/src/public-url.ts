import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';

/** INSPECTOR_PUBLIC_URL, or null. */
export const INSPECTOR_PUBLIC_URL = Symbol('INSPECTOR_PUBLIC_URL');

/** The two bases a bin's addresses are made from. */
export interface BinUrlBases {
  /** Where senders post: what a webhook is registered with. */
  hooks: string;
  /** Where a person reads the bin. */
  pages: string;
}

const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * `http://<Host header>`: the address the caller used to reach the inspector, so a bin created with
 * `curl -H 'Host: inspector:8090'` gets a URL that containers on the compose network can reach. A Host that is not a
 * plain host[:port] falls back to the local address rather than being echoed into URLs and pages.
 */
export function publicBaseUrl(request: Request): string {
  const host = request.headers.host;
  if (host && HOST.test(host)) return `http://${host}`;
  return `http://127.0.0.1:${request.socket.localPort ?? 8090}`;
}

/**
 * The bin URL a webhook is registered with must be reachable from Hookline's worker, which may sit elsewhere than the
 * person creating the bin: in the compose stack, the worker reaches the inspector as `http://inspector:8090` while a
 * browser on the host uses `http://localhost:8090`. INSPECTOR_PUBLIC_URL, when set, is the base of every bin URL;
 * pages keep the address the caller used.
 */
@Injectable()
export class InspectorUrls {
  constructor(@Inject(INSPECTOR_PUBLIC_URL) private readonly configured: string | null) {}

  bases(request: Request): BinUrlBases {
    const pages = publicBaseUrl(request);
    return { hooks: this.configured?.replace(/\/+$/, '') ?? pages, pages };
  }
}
