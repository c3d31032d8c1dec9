import { AddressPolicy, BlockedTargetError, DNS_DEFAULTS, Resolver, blockedPort, checkHost, effectivePort, literalHost, sharedResolver, systemResolver } from '@hookline/webhook-rules';
import { Agent, buildConnector, errors } from 'undici';

export interface SafeAgentOptions {
  policy: AddressPolicy;
  /** Defaults to the process-wide cached c-ares resolver. */
  resolve?: Resolver;
  /** Bounds DNS resolution and the TCP/TLS handshake, each on its own. */
  connectTimeoutMs: number;
  /**
   * Bounds DNS resolution alone, within connectTimeoutMs. On the shared resolver it can only shorten its wait
   * (DNS_DEFAULTS.timeoutMs, 5 s), and the answer of a query a caller stopped waiting for is still cached.
   */
  dnsTimeoutMs?: number;
  /** Per-origin socket cap; unlimited when omitted. */
  connections?: number;
}

/*
 * buildConnector's timeout only starts at the TCP connect, so a hanging resolver needs its own bound. Giving up only
 * stops waiting: fine for the c-ares resolver (a pending query holds no thread and has its own timeout), and the
 * only thing possible for an injected one.
 */
function withTimeout<T>(work: Promise<T>, ms: number, what: string, ownBound: boolean): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timeout = () => {
      const error = new errors.ConnectTimeoutError(`${what} timed out after ${ms} ms`);
      // A bound shorter than the attempt's names itself (HttpSender reports the message as is).
      if (ownBound) Object.assign(error, { dnsTimeoutMs: ms });
      return error;
    };
    const timer = setTimeout(() => reject(timeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/* Not instanceof: errors from node internals may belong to another realm (jest's vm sandbox). */
function asError(error: unknown): Error {
  return typeof error === 'object' && error !== null && 'message' in error ? (error as Error) : new Error(String(error));
}

/**
 * Wraps undici's own connector so the address check happens at the moment a socket is opened,
 * against the very address the socket goes to. Checking the URL beforehand is not enough: the
 * name can be re-resolved to an internal address between check and connect (DNS rebinding), and
 * undici never runs a custom `lookup` for literal IPs (nodejs/undici#2019), so both paths are
 * handled here instead of in a lookup hook.
 */
export function createSafeConnector(options: SafeAgentOptions): buildConnector.connector {
  const dnsTimeoutMs = Math.min(options.connectTimeoutMs, options.dnsTimeoutMs ?? Infinity);
  const shortened = options.dnsTimeoutMs !== undefined && options.dnsTimeoutMs < DNS_DEFAULTS.timeoutMs;
  const resolve = options.resolve ?? (shortened ? sharedResolver().withTimeout(options.dnsTimeoutMs!) : systemResolver);
  const connectDirect = buildConnector({ timeout: options.connectTimeoutMs });
  return (opts, callback) => {
    const hostname = opts.hostname;
    // Checked again here as at registration: a port rule tightened since then still holds for stored webhooks.
    const port = blockedPort(effectivePort(opts.port, opts.protocol), options.policy);
    if (port) return callback(new BlockedTargetError(`blocked: ${port}`), null);
    const checked = withTimeout(checkHost(hostname, options.policy, resolve), dnsTimeoutMs, `resolving ${hostname}`, dnsTimeoutMs < options.connectTimeoutMs);
    checked.then(
      ([address]) => {
        // Pin the socket to the address we just checked; TLS still verifies the certificate against the name.
        const isName = literalHost(hostname) === null;
        const servername = opts.protocol === 'https:' && isName ? opts.servername || hostname : opts.servername;
        try {
          connectDirect({ ...opts, hostname: address, servername }, callback);
        } catch (error) {
          callback(asError(error), null);
        }
      },
      (error: unknown) => callback(asError(error), null),
    );
  };
}

/** An undici Agent that can only open sockets to addresses the policy allows. */
export function createSafeAgent(options: SafeAgentOptions): Agent {
  return new Agent({
    connect: createSafeConnector(options),
    // One request per socket at a time: a slow receiver must not hold up another delivery queued behind it.
    pipelining: 1,
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
  });
}
