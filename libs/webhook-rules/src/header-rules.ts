/** One refused input, addressed by a dotted path so API errors can point at the exact entry. */
export interface RuleViolation {
  field: string;
  message: string;
}

export const MAX_CUSTOM_HEADERS = 50;
export const MAX_HEADER_NAME_LENGTH = 256;
export const MAX_HEADER_VALUE_LENGTH = 4096;

/** RFC 9110 §5.1: a field name is a `token`. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * C0 controls other than HTAB, DEL and C1 controls. CR/LF would let a tenant inject extra headers or split the
 * request; NUL and the rest are refused by HTTP clients anyway, so catching them here gives a clear error at
 * registration instead of a failed delivery later.
 */
const CONTROL_CHAR = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

/** Header values travel as bytes; undici refuses anything outside ISO-8859-1 at send time. */
const NON_LATIN1 = /[^\x00-\xff]/;

/**
 * Names the tenant must not set. Framing and connection-management headers belong to the HTTP client (a forged
 * content-length or transfer-encoding enables request smuggling); `proxy-*` would leak to or steer proxies; the
 * webhook-* trio is the Standard Webhooks signature and must only ever come from us. `expect` is one undici refuses
 * to send at all (NotSupportedError): accepted, it made every delivery of the webhook fail.
 *
 * `user-agent` is deliberately NOT reserved: setting it is harmless, and refusing it would break configurations
 * that merely copy a header set from elsewhere. The platform's own user-agent still wins at send time
 * (see mergeOutboundHeaders), so the tenant's value is accepted but not sent.
 */
const RESERVED_NAMES = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'expect',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

const RESERVED_PREFIXES = ['proxy-'];

const CREDENTIAL_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Substrings that suggest a secret. Over-matching only costs a masked value in the UI; under-matching leaks one. */
const CREDENTIAL_FRAGMENTS = ['token', 'secret', 'key', 'password', 'passwd', 'auth', 'signature', 'credential', 'session'];

export const MASK = '********';

const TOKEN_BODY = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED_STRING = '"(?:[^"\\\\]|\\\\.)*"';
/** `application/json` or a structured-syntax `+json` subtype, with optional well-formed parameters. */
const JSON_MEDIA_TYPE = new RegExp(
  `^application/(?:json|${TOKEN_BODY}\\+json)((?:[ \\t]*;[ \\t]*${TOKEN_BODY}=(?:${TOKEN_BODY}|${QUOTED_STRING}))*)[ \\t]*$`,
  'i',
);
const CHARSET_PARAM = new RegExp(`;[ \\t]*charset=(${TOKEN_BODY}|${QUOTED_STRING})`, 'i');

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isReservedHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_NAMES.has(lower) || RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * The body we sign is always UTF-8 JSON, so any other media type, or a charset other than UTF-8, would make
 * receivers misread the exact bytes the signature covers.
 */
export function isJsonContentType(value: string): boolean {
  const match = JSON_MEDIA_TYPE.exec(value);
  if (!match) return false;
  const charset = CHARSET_PARAM.exec(match[1]);
  if (!charset) return true;
  return charset[1].replace(/^"|"$/g, '').toLowerCase() === 'utf-8';
}

export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_NAMES.has(lower) || CREDENTIAL_FRAGMENTS.some((fragment) => lower.includes(fragment));
}

function checkHeaderName(name: string, field: string): RuleViolation[] {
  if (name.length === 0) return [{ field, message: 'header name must not be empty' }];
  if (name.length > MAX_HEADER_NAME_LENGTH) {
    return [{ field, message: `header name must be at most ${MAX_HEADER_NAME_LENGTH} characters` }];
  }
  if (!TOKEN.test(name)) {
    return [{ field, message: 'header name may only contain RFC 9110 token characters (no spaces, colons or controls)' }];
  }
  if (isReservedHeaderName(name)) {
    return [{ field, message: `header ${name.toLowerCase()} is reserved and cannot be set` }];
  }
  return [];
}

function checkHeaderValue(name: string, value: unknown, field: string): RuleViolation[] {
  if (typeof value !== 'string') return [{ field, message: 'header value must be a string' }];
  if (value.length > MAX_HEADER_VALUE_LENGTH) {
    return [{ field, message: `header value must be at most ${MAX_HEADER_VALUE_LENGTH} characters` }];
  }
  if (CONTROL_CHAR.test(value)) {
    return [{ field, message: 'header value must not contain control characters such as CR, LF or NUL' }];
  }
  if (NON_LATIN1.test(value)) {
    return [{ field, message: 'header value must only contain ISO-8859-1 characters' }];
  }
  if (name.toLowerCase() === 'content-type' && !isJsonContentType(value)) {
    return [{ field, message: 'content-type may only be a JSON media type (application/json or application/*+json)' }];
  }
  return [];
}

export function checkCustomHeaders(value: unknown, field = 'custom_headers'): RuleViolation[] {
  if (!isPlainObject(value)) {
    return [{ field, message: 'must be an object mapping header names to string values' }];
  }
  const violations: RuleViolation[] = [];
  const names = Object.keys(value);
  if (names.length > MAX_CUSTOM_HEADERS) {
    violations.push({ field, message: `must have at most ${MAX_CUSTOM_HEADERS} headers` });
  }
  const seen = new Map<string, string>();
  for (const name of names) {
    const path = `${field}.${name}`;
    const lower = name.toLowerCase();
    const first = seen.get(lower);
    if (first !== undefined) {
      // Receivers fold such duplicates into one comma-joined value, which is never what the tenant meant.
      violations.push({ field: path, message: `duplicates header ${first} (header names are case-insensitive)` });
      continue;
    }
    seen.set(lower, name);
    const nameViolations = checkHeaderName(name, path);
    violations.push(...(nameViolations.length > 0 ? nameViolations : checkHeaderValue(name, value[name], path)));
  }
  return violations;
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  // A fixed-width mask: echoing a prefix or the length would help someone guess short secrets.
  // Object.fromEntries defines own properties, so a `__proto__` name cannot swap the result's prototype.
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, isCredentialHeader(name) ? MASK : value]),
  );
}

/**
 * Builds the headers actually sent. Custom headers were validated when stored, but rules can tighten after a
 * row was written, so reserved names and non-JSON content types are dropped again here rather than trusted.
 */
export function mergeOutboundHeaders(
  custom: Record<string, string>,
  fixed: Record<string, string>,
): Record<string, string> {
  const merged = new Map<string, string>();
  for (const [name, value] of Object.entries(fixed)) merged.set(name.toLowerCase(), value);
  const fixedNames = new Set(merged.keys());
  for (const [name, value] of Object.entries(custom)) {
    const lower = name.toLowerCase();
    if (isReservedHeaderName(lower)) continue;
    if (lower === 'content-type') {
      // The one fixed header a tenant may override: some receivers route on a vendor +json type.
      if (isJsonContentType(value)) merged.set(lower, value);
      continue;
    }
    if (!fixedNames.has(lower)) merged.set(lower, value);
  }
  return Object.fromEntries(merged);
}
