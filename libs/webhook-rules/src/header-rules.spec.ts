import {
  checkCustomHeaders,
  isCredentialHeader,
  isJsonContentType,
  maskHeaders,
  MASK,
  mergeOutboundHeaders,
} from './header-rules';

describe('checkCustomHeaders', () => {
  it('accepts a valid set of headers', () => {
    expect(
      checkCustomHeaders({
        Authorization: 'Bearer abc.def',
        'X-Tenant': 'acme',
        'User-Agent': 'my-agent/1.0',
        'X-Tabbed': 'a\tb',
        'X-Latin1': 'café',
        'X-Empty': '',
      }),
    ).toEqual([]);
    expect(checkCustomHeaders({})).toEqual([]);
  });

  it.each([
    ['null', null],
    ['an array', [['X-Foo', 'bar']]],
    ['a string', 'X-Foo: bar'],
    ['a number', 42],
    ['undefined', undefined],
    ['a Map', new Map([['X-Foo', 'bar']])],
    ['a class instance', new (class Headers { 'X-Foo' = 'bar'; })()],
  ])('refuses %s as the container', (_label, value) => {
    expect(checkCustomHeaders(value)).toEqual([
      { field: 'custom_headers', message: 'must be an object mapping header names to string values' },
    ]);
  });

  it('accepts a null-prototype object such as JSON body parsers may produce', () => {
    const headers = Object.assign(Object.create(null) as Record<string, string>, { 'X-Foo': 'bar' });
    expect(checkCustomHeaders(headers)).toEqual([]);
  });

  it('uses the given field prefix', () => {
    expect(checkCustomHeaders({ 'X-A': 1 }, 'endpoint.headers')).toEqual([
      { field: 'endpoint.headers.X-A', message: 'header value must be a string' },
    ]);
    expect(checkCustomHeaders(null, 'endpoint.headers')[0].field).toBe('endpoint.headers');
  });

  it('allows exactly 50 headers and refuses 51', () => {
    const headers = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v']));
    expect(checkCustomHeaders(headers(50))).toEqual([]);
    expect(checkCustomHeaders(headers(51))).toEqual([{ field: 'custom_headers', message: 'must have at most 50 headers' }]);
  });

  describe('names', () => {
    it.each(['X Foo', 'X-Foo:', 'X-Foo\r\nX-Evil', 'X(Foo)', 'X"Foo', 'X/Foo', 'X@Foo', 'X-Föö', '[X]'])(
      'refuses non-token name %j',
      (name) => {
        expect(checkCustomHeaders({ [name]: 'v' })).toEqual([
          {
            field: `custom_headers.${name}`,
            message: 'header name may only contain RFC 9110 token characters (no spaces, colons or controls)',
          },
        ]);
      },
    );

    it('accepts every token special character', () => {
      expect(checkCustomHeaders({ "!#$%&'*+.^_`|~-Az09": 'v' })).toEqual([]);
    });

    it('refuses an empty name', () => {
      expect(checkCustomHeaders({ '': 'v' })).toEqual([
        { field: 'custom_headers.', message: 'header name must not be empty' },
      ]);
    });

    it('allows 256-character names and refuses 257', () => {
      expect(checkCustomHeaders({ ['x'.repeat(256)]: 'v' })).toEqual([]);
      expect(checkCustomHeaders({ ['x'.repeat(257)]: 'v' })).toEqual([
        { field: `custom_headers.${'x'.repeat(257)}`, message: 'header name must be at most 256 characters' },
      ]);
    });

    it.each([
      'Host',
      'content-length',
      'Transfer-Encoding',
      'CONNECTION',
      'Upgrade',
      'TE',
      'Trailer',
      'Keep-Alive',
      'Expect',
      'expect',
      'Proxy-Authorization',
      'proxy-connection',
      'Proxy-Anything',
      'Webhook-Id',
      'webhook-timestamp',
      'WEBHOOK-SIGNATURE',
    ])('refuses reserved header %s whatever its case', (name) => {
      expect(checkCustomHeaders({ [name]: 'v' })).toEqual([
        { field: `custom_headers.${name}`, message: `header ${name.toLowerCase()} is reserved and cannot be set` },
      ]);
    });

    it('does not treat names that merely resemble reserved ones as reserved', () => {
      expect(checkCustomHeaders({ 'X-Host': 'a', 'Hosts': 'b', 'X-Proxy-Id': 'c', 'Webhook-Ids': 'd', 'Tee': 'e' })).toEqual([]);
    });

    it('refuses names that differ only in case, pointing at the later one', () => {
      expect(checkCustomHeaders({ 'X-Foo': 'a', 'x-foo': 'b', 'X-FOO': 'c' })).toEqual([
        { field: 'custom_headers.x-foo', message: 'duplicates header X-Foo (header names are case-insensitive)' },
        { field: 'custom_headers.X-FOO', message: 'duplicates header X-Foo (header names are case-insensitive)' },
      ]);
    });
  });

  describe('values', () => {
    const controlMessage = 'header value must not contain control characters such as CR, LF or NUL';

    it('refuses CRLF header injection', () => {
      expect(checkCustomHeaders({ 'X-Foo': 'a\r\nX-Evil: 1' })).toEqual([
        { field: 'custom_headers.X-Foo', message: controlMessage },
      ]);
    });

    it.each([
      ['CR', 'a\rb'],
      ['LF', 'a\nb'],
      ['NUL', 'a\0b'],
      ['vertical tab', 'a\vb'],
      ['escape', 'a\x1bb'],
      ['DEL', 'a\x7fb'],
      ['a C1 control', 'a\x85b'],
    ])('refuses %s', (_label, value) => {
      expect(checkCustomHeaders({ 'X-Foo': value })).toEqual([{ field: 'custom_headers.X-Foo', message: controlMessage }]);
    });

    it('refuses characters outside ISO-8859-1, which cannot be sent', () => {
      expect(checkCustomHeaders({ 'X-Foo': 'snow ☃' })).toEqual([
        { field: 'custom_headers.X-Foo', message: 'header value must only contain ISO-8859-1 characters' },
      ]);
    });

    it.each([
      ['a number', 1],
      ['null', null],
      ['an array', ['a']],
      ['an object', { a: 1 }],
      ['a boolean', true],
    ])('refuses %s as a value', (_label, value) => {
      expect(checkCustomHeaders({ 'X-Foo': value })).toEqual([
        { field: 'custom_headers.X-Foo', message: 'header value must be a string' },
      ]);
    });

    it('allows 4096-character values and refuses 4097', () => {
      expect(checkCustomHeaders({ 'X-Foo': 'v'.repeat(4096) })).toEqual([]);
      expect(checkCustomHeaders({ 'X-Foo': 'v'.repeat(4097) })).toEqual([
        { field: 'custom_headers.X-Foo', message: 'header value must be at most 4096 characters' },
      ]);
    });

    it('reports every bad header, not just the first', () => {
      expect(checkCustomHeaders({ Host: 'evil', 'X-Ok': 'fine', 'X-Bad': 'a\nb', 'Content-Type': 'text/plain' })).toEqual([
        { field: 'custom_headers.Host', message: 'header host is reserved and cannot be set' },
        { field: 'custom_headers.X-Bad', message: controlMessage },
        {
          field: 'custom_headers.Content-Type',
          message: 'content-type may only be a JSON media type (application/json or application/*+json)',
        },
      ]);
    });
  });

  describe('content-type', () => {
    it.each([
      'application/json',
      'Application/JSON',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json; charset="utf-8"',
      'application/vnd.api+json',
      'application/cloudevents+json; charset=utf-8',
      'application/json; profile=x',
    ])('accepts %j', (value) => {
      expect(checkCustomHeaders({ 'Content-Type': value })).toEqual([]);
      expect(isJsonContentType(value)).toBe(true);
    });

    it.each([
      'text/plain',
      'text/json',
      'application/xml',
      'application/x-www-form-urlencoded',
      'application/jsonp',
      'application/json-seq',
      'application/+json',
      'application/json; charset=iso-8859-1',
      'application/json; charset',
      'application/json, text/plain',
      '',
    ])('refuses %j', (value) => {
      expect(checkCustomHeaders({ 'content-type': value })).toEqual([
        {
          field: 'custom_headers.content-type',
          message: 'content-type may only be a JSON media type (application/json or application/*+json)',
        },
      ]);
    });
  });
});

describe('isCredentialHeader', () => {
  it.each([
    'Authorization',
    'proxy-authorization',
    'Cookie',
    'Set-Cookie',
    'X-API-Key',
    'X-Auth-Token',
    'X-Client-Secret',
    'Api-Key',
    'X-Password',
    'X-Hub-Signature',
    'X-Amz-Security-Token',
    'X-Session-Id',
  ])('treats %s as a credential', (name) => {
    expect(isCredentialHeader(name)).toBe(true);
  });

  it.each(['X-Tenant', 'Accept', 'User-Agent', 'Content-Type', 'X-Request-Id', 'Keep-Alive'])('treats %s as public', (name) => {
    expect(isCredentialHeader(name)).toBe(false);
  });
});

describe('maskHeaders', () => {
  it('masks credentials with a fixed-width mask and leaves other headers alone', () => {
    const masked = maskHeaders({
      Authorization: 'Bearer a-very-long-token-value-1234567890',
      'X-Api-Key': 'short',
      'X-Secret': '',
      'X-Tenant': 'acme',
    });
    expect(masked).toEqual({ Authorization: MASK, 'X-Api-Key': MASK, 'X-Secret': MASK, 'X-Tenant': 'acme' });
    expect(MASK).toBe('********');
    expect(JSON.stringify(masked)).not.toMatch(/Bearer|1234|short/);
  });

  it('does not modify its input', () => {
    const headers = { Authorization: 'Bearer x' };
    maskHeaders(headers);
    expect(headers).toEqual({ Authorization: 'Bearer x' });
  });

  it('keeps a __proto__ header as data instead of changing the prototype', () => {
    const masked = maskHeaders(JSON.parse('{"__proto__":"x","X-Token":"t"}') as Record<string, string>);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.keys(masked)).toEqual(['__proto__', 'X-Token']);
    expect(masked['X-Token']).toBe(MASK);
  });
});

describe('mergeOutboundHeaders', () => {
  const fixed = {
    'webhook-id': 'msg_1',
    'webhook-timestamp': '1700000000',
    'webhook-signature': 'v1,abc',
    'user-agent': 'Hookline/1.0',
    'content-type': 'application/json',
  };

  it('lower-cases custom names and adds them to the fixed headers', () => {
    expect(mergeOutboundHeaders({ Authorization: 'Bearer x', 'X-Tenant': 'acme' }, fixed)).toEqual({
      ...fixed,
      authorization: 'Bearer x',
      'x-tenant': 'acme',
    });
  });

  it('never lets custom headers override the signature or user-agent', () => {
    const merged = mergeOutboundHeaders(
      {
        'Webhook-Id': 'forged',
        'WEBHOOK-TIMESTAMP': '1',
        'webhook-signature': 'v1,forged',
        'User-Agent': 'mine/2.0',
      },
      fixed,
    );
    expect(merged).toEqual(fixed);
  });

  it('lets a custom JSON content-type replace the default', () => {
    expect(mergeOutboundHeaders({ 'Content-Type': 'application/vnd.api+json' }, fixed)['content-type']).toBe(
      'application/vnd.api+json',
    );
  });

  it('keeps the default content-type when the custom one is not JSON', () => {
    expect(mergeOutboundHeaders({ 'Content-Type': 'text/plain' }, fixed)['content-type']).toBe('application/json');
  });

  it('drops reserved custom headers even if they slipped past validation', () => {
    expect(
      mergeOutboundHeaders({ Host: 'evil.example', 'Content-Length': '0', 'Proxy-Authorization': 'x', 'X-Ok': '1' }, fixed),
    ).toEqual({ ...fixed, 'x-ok': '1' });
  });

  it('lower-cases fixed names too and compares them case-insensitively', () => {
    expect(mergeOutboundHeaders({ 'user-agent': 'mine' }, { 'User-Agent': 'Hookline/1.0' })).toEqual({
      'user-agent': 'Hookline/1.0',
    });
  });

  it('adds a JSON content-type even when no default is given', () => {
    expect(mergeOutboundHeaders({ 'Content-Type': 'application/json; charset=utf-8' }, {})).toEqual({
      'content-type': 'application/json; charset=utf-8',
    });
  });

  it('returns only lower-case names', () => {
    const merged = mergeOutboundHeaders({ 'X-Mixed-Case': 'a' }, { 'Webhook-Id': 'b' });
    expect(Object.keys(merged)).toEqual(['webhook-id', 'x-mixed-case']);
  });
});
