import { RuleViolation } from './header-rules';

export const MAX_URL_LENGTH = 2048;

/**
 * The WHATWG parser silently strips leading/trailing C0 controls and spaces and removes tabs and newlines
 * anywhere, so `https://exa\nmple.com` would be stored as typed but delivered to `example.com`. Refusing them
 * keeps the stored URL identical to the one we call.
 */
const WHITESPACE_OR_CONTROL = /[\x00-\x20\x7f]/;

const EXPLICIT_PORT = /^https?:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i;

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * Shape checks only. Whether the host resolves to a private or loopback address is decided at delivery time by
 * the SSRF guard, because DNS answers can change after registration.
 */
export function checkWebhookUrl(value: unknown, field = 'url'): RuleViolation[] {
  if (typeof value !== 'string') return [{ field, message: 'must be a string' }];
  if (value.length === 0) return [{ field, message: 'must not be empty' }];
  if (value.length > MAX_URL_LENGTH) return [{ field, message: `must be at most ${MAX_URL_LENGTH} characters` }];
  if (WHITESPACE_OR_CONTROL.test(value)) {
    return [{ field, message: 'must not contain whitespace or control characters' }];
  }
  if (value.includes('\\')) {
    // WHATWG reads `\` as `/` in http(s) URLs while other parsers do not; such differentials are an SSRF vector.
    return [{ field, message: 'must not contain backslashes' }];
  }
  const url = parseUrl(value);
  if (!url) {
    // The parser rejects out-of-range ports outright; name the real problem instead of a generic parse error.
    const port = EXPLICIT_PORT.exec(value);
    if (port && Number(port[1]) > 65_535) return [{ field, message: 'port must be between 1 and 65535' }];
    return [{ field, message: 'must be a valid absolute URL' }];
  }

  const violations: RuleViolation[] = [];
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    violations.push({ field, message: 'must use http or https' });
    // Other schemes have different notions of host and port; further checks would only add noise.
    return violations;
  }
  if (!/^https?:\/\//i.test(value)) {
    // `https:example.com` parses, but the stored text would then differ from the URL we actually call.
    violations.push({ field, message: 'must start with http:// or https://' });
  }
  if (url.hostname === '') violations.push({ field, message: 'must include a host name' });
  if (url.username !== '' || url.password !== '') {
    // Userinfo ends up in logs and dashboards; secrets belong in (masked, encrypted) custom headers.
    violations.push({ field, message: 'must not contain a username or password; send credentials in custom headers' });
  }
  // A fragment is never sent to the server, so a URL relying on one would not do what the tenant expects.
  // `url.hash` is empty for a bare trailing '#', hence the check on the serialised form.
  if (url.href.includes('#')) violations.push({ field, message: 'must not contain a fragment (#...)' });
  if (url.port !== '') {
    const port = Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      violations.push({ field, message: 'port must be between 1 and 65535' });
    }
  }
  return violations;
}
