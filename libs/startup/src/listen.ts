import type { AddressInfo } from 'node:net';

/**
 * Why a server could not listen, in words that name the setting to change: EADDRINUSE, EACCES and a HOST that is not
 * an address of this machine. Anything else keeps its own message.
 */
export function listenFailure(error: unknown, variable: string, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') {
    return new Error(`${where} is already in use (${variable}=${port}): stop the process that holds it (another \`npm start\`?) or set ${variable} to a free port`);
  }
  if (code === 'EACCES') return new Error(`${where} needs privileges this process lacks (${variable}=${port}): use a port above 1023`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new Error(`HOST=${host} is not an address of this machine (${variable}=${port}): use 127.0.0.1, 0.0.0.0 or one of its own addresses`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** `http://host:port` of a listening server, as it really listens (the port the OS picked for port 0, IPv6 bracketed). */
export function listeningUrl(address: AddressInfo | string | null, fallbackHost: string): string {
  if (!address || typeof address === 'string') return `http://${fallbackHost}`;
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
