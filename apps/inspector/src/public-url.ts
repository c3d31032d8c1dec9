import type { Request } from 'express';

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
