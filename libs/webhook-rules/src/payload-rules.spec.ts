import { checkCustomPayload } from './payload-rules';

/** Builds `{ k: { k: ... { k: leaf } } }` with `levels` objects in total. */
function nested(levels: number, leaf: unknown = 1): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = { k: value };
  return value as Record<string, unknown>;
}

/** A payload whose JSON form is exactly `bytes` bytes long: `{"pad":"xxx..."}` is 10 bytes plus the padding. */
function payloadOfBytes(bytes: number): Record<string, unknown> {
  return { pad: 'x'.repeat(bytes - 10) };
}

describe('checkCustomPayload', () => {
  it('accepts an ordinary object', () => {
    expect(checkCustomPayload({ source: 'crm', tags: ['a', 'b'], meta: { region: 'eu', weight: 1.5, ok: true, none: null } })).toEqual([]);
    expect(checkCustomPayload({})).toEqual([]);
  });

  it.each([
    ['null', null],
    ['an array', [1, 2]],
    ['a string', '{"a":1}'],
    ['a number', 7],
    ['undefined', undefined],
    ['a Date', new Date(0)],
  ])('refuses %s at the top level', (_label, value) => {
    expect(checkCustomPayload(value)).toEqual([{ field: 'custom_payload', message: 'must be a JSON object' }]);
  });

  it('refuses the envelope keys at the top level only', () => {
    expect(checkCustomPayload({ id: 1, type: 'x', timestamp: 'now', data: {}, extra: 1 })).toEqual([
      { field: 'custom_payload.id', message: 'key id is reserved for the webhook envelope' },
      { field: 'custom_payload.type', message: 'key type is reserved for the webhook envelope' },
      { field: 'custom_payload.timestamp', message: 'key timestamp is reserved for the webhook envelope' },
      { field: 'custom_payload.data', message: 'key data is reserved for the webhook envelope' },
    ]);
    expect(checkCustomPayload({ meta: { id: 1, type: 'x', timestamp: 'now', data: {} } })).toEqual([]);
  });

  describe('size', () => {
    it('accepts exactly 64 KiB of JSON', () => {
      const payload = payloadOfBytes(65_536);
      expect(Buffer.byteLength(JSON.stringify(payload))).toBe(65_536);
      expect(checkCustomPayload(payload)).toEqual([]);
    });

    it('refuses 64 KiB + 1', () => {
      expect(checkCustomPayload(payloadOfBytes(65_537))).toEqual([
        { field: 'custom_payload', message: 'is 65537 bytes as JSON; at most 65536 bytes are allowed' },
      ]);
    });

    it('counts UTF-8 bytes, not characters', () => {
      // 'é' is two bytes: 10 + 2 * 50 = 110 bytes although only 60 characters long.
      const payload = { pad: 'é'.repeat(50) };
      expect(checkCustomPayload(payload, 'custom_payload', 110)).toEqual([]);
      expect(checkCustomPayload(payload, 'custom_payload', 109)).toEqual([
        { field: 'custom_payload', message: 'is 110 bytes as JSON; at most 109 bytes are allowed' },
      ]);
    });

    it('uses the given field name and limit', () => {
      expect(checkCustomPayload({ a: 'xxxx' }, 'endpoint.payload', 5)).toEqual([
        { field: 'endpoint.payload', message: 'is 12 bytes as JSON; at most 5 bytes are allowed' },
      ]);
    });
  });

  describe('depth', () => {
    it('accepts 16 levels of nesting', () => {
      expect(checkCustomPayload(nested(16))).toEqual([]);
    });

    it('refuses 17 levels and names the first path that is too deep', () => {
      expect(checkCustomPayload(nested(17))).toEqual([
        {
          field: `custom_payload${'.k'.repeat(16)}`,
          message: 'is nested too deeply; at most 16 levels are allowed',
        },
      ]);
    });

    it('counts arrays as levels too', () => {
      let value: unknown = 1;
      for (let i = 0; i < 16; i++) value = [value];
      expect(checkCustomPayload({ a: value })).toEqual([
        { field: `custom_payload.a${'[0]'.repeat(15)}`, message: 'is nested too deeply; at most 16 levels are allowed' },
      ]);
      expect(checkCustomPayload({ a: [[1]] })).toEqual([]);
    });

    it('survives very deep input without overflowing the stack', () => {
      const result = checkCustomPayload(nested(100_000));
      expect(result).toHaveLength(1);
      expect(result[0].message).toBe('is nested too deeply; at most 16 levels are allowed');
    });

    it('refuses cyclic structures instead of throwing', () => {
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic.self = cyclic;
      const result = checkCustomPayload(cyclic);
      expect(result).toHaveLength(1);
      expect(result[0].message).toBe('is nested too deeply; at most 16 levels are allowed');
    });
  });

  describe('prototype pollution', () => {
    it('refuses __proto__, constructor and prototype at any depth', () => {
      const payload = JSON.parse(
        '{"__proto__":{"isAdmin":true},"a":{"constructor":{"prototype":{"x":1}}},"list":[{"prototype":1}]}',
      ) as unknown;
      expect(checkCustomPayload(payload)).toEqual([
        { field: 'custom_payload.__proto__', message: 'key __proto__ is not allowed' },
        { field: 'custom_payload.a.constructor', message: 'key constructor is not allowed' },
        { field: 'custom_payload.list[0].prototype', message: 'key prototype is not allowed' },
      ]);
    });

    it('allows keys that only contain those words', () => {
      expect(checkCustomPayload({ constructorName: 'x', proto: 1, prototypes: [] })).toEqual([]);
    });
  });

  describe('non-JSON values', () => {
    const message = 'must contain only JSON values (objects, arrays, strings, finite numbers, booleans, null)';

    it.each([
      ['undefined', undefined],
      ['a function', () => 1],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['a bigint', BigInt(1)],
      ['a symbol', Symbol('s')],
      ['a Date', new Date(0)],
      ['a Map', new Map()],
    ])('refuses %s, which JSON would drop or rewrite', (_label, value) => {
      expect(checkCustomPayload({ a: { b: value } })).toEqual([{ field: 'custom_payload.a.b', message }]);
    });
  });
});
