/**
 * A connection URL as it may be shown in a message or a log: everything between the scheme and the host (user name
 * and password) replaced by `***`. Done on the text, not through `new URL`, so a password with an unencoded `@`, `#`,
 * `/` or `?` in it (which the URL parser would split elsewhere, or refuse) is hidden whole too.
 */
export function redactUrl(value: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value);
  if (!scheme) return value.includes('@') ? '***' : value;
  const rest = value.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  return at === -1 ? value : `${scheme[0]}***@${rest.slice(at + 1)}`;
}

/** A hint for a URL whose password holds characters that must be percent-encoded. */
export const PERCENT_ENCODING_HINT =
  'if the user name or password contains @, #, /, ?, : or %, percent-encode them (@ is %40, # is %23, / is %2F)';
