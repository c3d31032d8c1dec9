import { checkWebhookUrl } from './url-rules';

describe('checkWebhookUrl', () => {
  it.each([
    'https://example.com/hooks',
    'http://example.com',
    'HTTPS://Example.COM/a?b=c&d=e',
    'https://example.com:8443/path',
    'https://example.com:1/',
    'https://example.com:65535/',
    'https://127.0.0.1/hook',
    'http://[::1]:8080/hook',
    'https://bücher.example/x',
    'https://localhost/hook',
    'https://example.com/%20encoded?q=%23',
  ])('accepts %s', (url) => {
    expect(checkWebhookUrl(url)).toEqual([]);
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a URL object', new URL('https://example.com')],
  ])('refuses %s', (_label, value) => {
    expect(checkWebhookUrl(value)).toEqual([{ field: 'url', message: 'must be a string' }]);
  });

  it('uses the given field name', () => {
    expect(checkWebhookUrl('ftp://example.com', 'endpoint.url')).toEqual([
      { field: 'endpoint.url', message: 'must use http or https' },
    ]);
  });

  it('refuses the empty string', () => {
    expect(checkWebhookUrl('')).toEqual([{ field: 'url', message: 'must not be empty' }]);
  });

  it('allows 2048 characters and refuses 2049', () => {
    const prefix = 'https://example.com/';
    expect(checkWebhookUrl(prefix + 'a'.repeat(2048 - prefix.length))).toEqual([]);
    expect(checkWebhookUrl(prefix + 'a'.repeat(2049 - prefix.length))).toEqual([
      { field: 'url', message: 'must be at most 2048 characters' },
    ]);
  });

  it.each(['example.com/hook', '/relative/path', 'https://', 'http://exa%mple.com', 'https://[::1/', 'http://a:b:c@'])(
    'refuses unparsable %j',
    (url) => {
      expect(checkWebhookUrl(url)).toEqual([{ field: 'url', message: 'must be a valid absolute URL' }]);
    },
  );

  it.each(['ftp://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'ws://example.com', 'gopher://example.com:70/'])(
    'refuses scheme of %s',
    (url) => {
      expect(checkWebhookUrl(url)).toEqual([{ field: 'url', message: 'must use http or https' }]);
    },
  );

  it.each([' https://example.com', 'https://example.com ', 'https://exa\nmple.com', 'https://example.com/a\tb', 'https://example.com/a b'])(
    'refuses %j, which the parser would silently rewrite',
    (url) => {
      expect(checkWebhookUrl(url)).toEqual([{ field: 'url', message: 'must not contain whitespace or control characters' }]);
    },
  );

  it('refuses backslashes, which parsers disagree about', () => {
    expect(checkWebhookUrl('https://example.com\\@evil.example/')).toEqual([
      { field: 'url', message: 'must not contain backslashes' },
    ]);
  });

  it.each(['https:example.com', 'https:/example.com'])('refuses %s without the two slashes', (url) => {
    expect(checkWebhookUrl(url)).toEqual([{ field: 'url', message: 'must start with http:// or https://' }]);
  });

  it.each(['https://user:pass@example.com/', 'https://user@example.com/', 'https://:secret@example.com/'])(
    'refuses credentials in %s',
    (url) => {
      expect(checkWebhookUrl(url)).toEqual([
        { field: 'url', message: 'must not contain a username or password; send credentials in custom headers' },
      ]);
    },
  );

  it.each(['https://example.com/#section', 'https://example.com/hook?x=1#frag', 'https://example.com/#'])(
    'refuses the fragment in %s',
    (url) => {
      expect(checkWebhookUrl(url)).toEqual([{ field: 'url', message: 'must not contain a fragment (#...)' }]);
    },
  );

  it.each(['https://example.com:0/', 'https://example.com:65536/', 'http://example.com:99999'])('refuses port in %s', (url) => {
    expect(checkWebhookUrl(url)).toEqual([{ field: 'url', message: 'port must be between 1 and 65535' }]);
  });

  it('reports several problems at once', () => {
    expect(checkWebhookUrl('https://u:p@example.com:0/#x')).toEqual([
      { field: 'url', message: 'must not contain a username or password; send credentials in custom headers' },
      { field: 'url', message: 'must not contain a fragment (#...)' },
      { field: 'url', message: 'port must be between 1 and 65535' },
    ]);
  });
});
