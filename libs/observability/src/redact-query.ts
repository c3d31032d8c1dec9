/** What a redacted value (or a parameter whose name is itself a credential) is replaced with in a logged URL. */
export const REDACTED = '[redacted]';

/**
 * Parameter names that carry credentials, compared lower-case with `-`, `_`, `.` and spaces removed, so `api_key`,
 * `API-Key`, `apiKey` and `x-api-key` are one name.
 */
const CREDENTIAL_NAMES = new Set([
  'key',
  'apikey',
  'xapikey',
  'token',
  'secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'signature',
  'sig',
  'auth',
  'authorization',
  'session',
  'sessionid',
  'sid',
  'jwt',
  'bearer',
  'credential',
  'credentials',
]);
/** ...and any name ending like one: access_token, client_secret, secret_key, db_password, x-hub-signature. */
const CREDENTIAL_SUFFIX = /(token|secret|password|passwd|key|signature)$/;
/** A Hookline API key (`hk_<prefix>_<secret>`) or the start of one, anywhere a word starts in the value. */
const API_KEY_LIKE = /(?:^|[^A-Za-z0-9])hk_/;

/**
 * The URL (a path with its query, as logged) with the value of every credential-like query parameter replaced by
 * `[redacted]`, the parameter's name kept: names matched case-insensitively (see CREDENTIAL_NAMES), and any parameter
 * whose value looks like a Hookline API key. A part that is a key on its own (`?hk_…` with no `=`) goes whole.
 * Everything else, including the order and encoding of the other parameters, is left as it was; a URL without a
 * query is returned as is, at the cost of one indexOf.
 */
export function redactQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const hashAt = url.indexOf('#', start);
  const end = hashAt === -1 ? url.length : hashAt;
  const query = url.slice(start + 1, end);
  if (query === '') return url;
  const parts = query.split('&').map(redactPart);
  return `${url.slice(0, start + 1)}${parts.join('&')}${url.slice(end)}`;
}

function redactPart(part: string): string {
  if (part === '') return part;
  const equals = part.indexOf('=');
  const rawName = equals === -1 ? part : part.slice(0, equals);
  const name = decode(rawName);
  if (API_KEY_LIKE.test(name)) return equals === -1 ? REDACTED : `${REDACTED}=${REDACTED}`;
  if (equals === -1) return part;
  const value = part.slice(equals + 1);
  if (isCredentialName(name) || API_KEY_LIKE.test(decode(value))) return `${rawName}=${REDACTED}`;
  return part;
}

export function isCredentialName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_.\s[\]]/g, '');
  return CREDENTIAL_NAMES.has(normalized) || CREDENTIAL_SUFFIX.test(normalized);
}

/** Form-style decoding (`+` is a space); a malformed escape is compared as written. */
function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
