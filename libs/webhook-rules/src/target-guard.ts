import { AddressPolicy, blockedPort, blockedReason, effectivePort, literalHost } from './address-policy';
import { Resolver, sharedResolver } from './dns-resolver';

export type { Resolver };

/*
 * The process-wide cached c-ares resolver (dns-resolver.ts), shared by every tenant of the process: registration
 * checks in the API, every attempt in the worker. Not dns.lookup, which holds a libuv pool thread per pending lookup.
 */
export const systemResolver: Resolver = (hostname) => sharedResolver().lookup(hostname);

export class BlockedTargetError extends Error {
  readonly code = 'blocked_target';

  constructor(message: string) {
    super(message);
    this.name = 'BlockedTargetError';
  }
}

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

/* Names that reach internal services without any DNS record pointing at a private address. */
function blockedName(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return `${hostname} is a localhost name`;
  if (name === 'metadata.google.internal') return `${hostname} is a cloud metadata name`;
  return null;
}

function assertAllowed(address: string, policy: AddressPolicy, via: string | null): void {
  const reason = blockedReason(address, policy);
  if (reason === null) return;
  throw new BlockedTargetError(via ? `blocked: ${via} resolves to ${reason}` : `blocked: ${reason}`);
}

/* Duck-typed: resolver errors from node:dns may come from another realm, failing instanceof Error. */
function describe(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return code;
  return typeof message === 'string' ? message : String(error);
}

/**
 * Checks a hostname (URL.hostname, or the bare IP undici hands a connector) and returns the
 * addresses it stands for. A name is rejected when ANY of its addresses is blocked: a client
 * may pick any of them, and attackers mix a public record with a private one.
 */
export async function checkHost(hostname: string, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<string[]> {
  const literal = literalHost(hostname);
  if (literal !== null) {
    assertAllowed(literal, policy, null);
    return [literal];
  }
  const named = policy.allowPrivate ? null : blockedName(hostname);
  if (named) throw new BlockedTargetError(`blocked: ${named}`);
  let addresses: string[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    throw new BlockedTargetError(`host ${hostname} could not be resolved (${describe(error)})`);
  }
  if (addresses.length === 0) throw new BlockedTargetError(`host ${hostname} could not be resolved (no addresses)`);
  for (const address of addresses) assertAllowed(address, policy, hostname);
  return addresses;
}

/** Validates a delivery URL; throws BlockedTargetError, otherwise returns the addresses it was checked against. */
export async function checkTarget(url: URL, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<string[]> {
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    throw new BlockedTargetError(`protocol ${url.protocol} is not allowed (only http and https)`);
  }
  const port = blockedPort(effectivePort(url.port, url.protocol), policy);
  if (port) throw new BlockedTargetError(`blocked: ${port}`);
  return checkHost(url.hostname, policy, resolve);
}
