import { AddressPolicy, Resolver, checkHost, literalHost, systemResolver } from '@hookline/webhook-rules';
import { Agent, buildConnector, errors } from 'undici';

export interface SafeAgentOptions {
  policy: AddressPolicy;
  resolve?: Resolver;
  /** Bounds DNS resolution and the TCP/TLS handshake, each on its own. */
  connectTimeoutMs: number;
  /** Per-origin socket cap; unlimited when omitted. */
  connections?: number;
}

/* buildConnector's timeout only starts at the TCP connect, so a hanging resolver needs its own bound. */
function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new errors.ConnectTimeoutError(`${what} timed out after ${ms} ms`)), ms);
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
  const resolve = options.resolve ?? systemResolver;
  const connectDirect = buildConnector({ timeout: options.connectTimeoutMs });
  return (opts, callback) => {
    const hostname = opts.hostname;
    const checked = withTimeout(
      checkHost(hostname, options.policy, resolve),
      options.connectTimeoutMs,
      `resolving ${hostname}`,
    );
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
