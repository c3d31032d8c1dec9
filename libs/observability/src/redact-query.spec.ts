import { isCredentialName, redactQuery } from './redact-query';

describe('redactQuery', () => {
  it('leaves a URL without a query, or with an empty one, as it is', () => {
    expect(redactQuery('/v1/webhooks')).toBe('/v1/webhooks');
    expect(redactQuery('/v1/webhooks?')).toBe('/v1/webhooks?');
    expect(redactQuery('/')).toBe('/');
  });

  it('replaces the value of credential parameters and keeps their names, case-insensitively', () => {
    expect(redactQuery('/v1/webhooks?api_key=abc')).toBe('/v1/webhooks?api_key=[redacted]');
    for (const name of ['api_key', 'API_KEY', 'apikey', 'ApiKey', 'api-key', 'x-api-key', 'key', 'token', 'access_token', 'Refresh_Token', 'secret', 'client_secret',
      'password', 'PASSWORD', 'passwd', 'pwd', 'signature', 'sig', 'auth', 'Authorization', 'session', 'session_id', 'sessionId', 'jwt', 'credentials', 'secret_key', 'api_key[]']) {
      expect(redactQuery(`/p?${name}=s3cr3t-value`)).toBe(`/p?${name}=[redacted]`);
    }
  });

  it('keeps every other parameter, their order and encoding', () => {
    expect(redactQuery('/v1/deliveries?limit=10&token=t0k3n&cursor=eyJhIjoxfQ%3D%3D&status=failed')).toBe(
      '/v1/deliveries?limit=10&token=[redacted]&cursor=eyJhIjoxfQ%3D%3D&status=failed',
    );
    expect(redactQuery('/p?a=1&&b=&c')).toBe('/p?a=1&&b=&c');
    expect(redactQuery('/v1/event-types?include_archived=true&limit=2')).toBe('/v1/event-types?include_archived=true&limit=2');
  });

  it('redacts every occurrence of a repeated credential parameter, and empty values too', () => {
    expect(redactQuery('/p?token=a&token=b&x=1')).toBe('/p?token=[redacted]&token=[redacted]&x=1');
    expect(redactQuery('/p?password=')).toBe('/p?password=[redacted]');
  });

  it('matches percent-encoded and form-encoded names', () => {
    expect(redactQuery('/p?api%5Fkey=abc')).toBe('/p?api%5Fkey=[redacted]');
    expect(redactQuery('/p?access%5ftoken=abc&q=a+b')).toBe('/p?access%5ftoken=[redacted]&q=a+b');
  });

  it('redacts any parameter whose value looks like a Hookline API key, whatever its name', () => {
    expect(redactQuery('/v1/webhooks?q=hk_0123456789ab_c2VjcmV0')).toBe('/v1/webhooks?q=[redacted]');
    expect(redactQuery('/v1/webhooks?h=Bearer%20hk_x')).toBe('/v1/webhooks?h=[redacted]');
    expect(redactQuery('/v1/webhooks?h=Bearer+hk_x')).toBe('/v1/webhooks?h=[redacted]');
    expect(redactQuery('/v1/webhooks?h=%68k_x')).toBe('/v1/webhooks?h=[redacted]');
    // Not a key: `hk_` inside a word.
    expect(redactQuery('/p?name=chk_list')).toBe('/p?name=chk_list');
  });

  it('drops a part that is a key on its own, or a key used as a name', () => {
    expect(redactQuery('/p?hk_0123456789ab_c2VjcmV0&limit=1')).toBe('/p?[redacted]&limit=1');
    expect(redactQuery('/p?hk_0123456789ab_c2VjcmV0=1')).toBe('/p?[redacted]=[redacted]');
  });

  it('survives malformed escapes and keeps a fragment', () => {
    expect(redactQuery('/p?token=%E0%A4%A&x=%zz')).toBe('/p?token=[redacted]&x=%zz');
    expect(redactQuery('/p?secret=1#frag')).toBe('/p?secret=[redacted]#frag');
  });

  it('never leaves the secret of /v1/webhooks?api_key=hk_… in the result', () => {
    const key = 'hk_0a1b2c3d4e5f_Zm9vYmFyYmF6cXV4LXNlY3JldC1wYXJ0';
    const out = redactQuery(`/v1/webhooks?limit=5&api_key=${key}&apikey=${encodeURIComponent(key)}`);
    expect(out).not.toContain('Zm9v');
    expect(out).not.toContain('hk_');
    expect(out).toBe('/v1/webhooks?limit=5&api_key=[redacted]&apikey=[redacted]');
  });
});

describe('isCredentialName', () => {
  it('does not take ordinary parameters for credentials', () => {
    for (const name of ['limit', 'cursor', 'status', 'include_archived', 'webhook_id', 'since', 'until', 'q', 'sort', 'page']) {
      expect(isCredentialName(name)).toBe(false);
    }
  });
});
