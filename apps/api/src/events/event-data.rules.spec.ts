import { checkEventData, checkIdempotencyKey, MAX_EVENT_DATA_DEPTH, MAX_IDEMPOTENCY_KEY_LENGTH } from './event-data.rules';

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

describe('checkEventData', () => {
  it('accepts any JSON object', () => {
    expect(checkEventData({ order: { id: 'o_1', lines: [{ sku: 'x', qty: 2 }], paid: true, note: null } })).toEqual([]);
    expect(checkEventData({})).toEqual([]);
  });

  it.each([[[1, 2]], ['text'], [42], [null], [undefined]])('refuses %p: data is an object', (value) => {
    expect(checkEventData(value)).toEqual([{ field: 'data', message: 'must be a JSON object' }]);
  });

  it('finds an excess level wherever it sits in a large payload, in arrays as in objects', () => {
    const payload = (): Record<string, unknown> => {
      const items: Record<string, unknown> = {};
      for (let index = 0; index < 200; index++) items[`item_${index}`] = { id: index, name: `name ${index}`, tags: ['a', 'b', { deep: [index, null, true] }] };
      return items;
    };
    expect(checkEventData(payload())).toEqual([]);
    for (const index of [0, 99, 199]) {
      const tooDeep = payload();
      (tooDeep[`item_${index}`] as { tags: unknown[] }).tags.push(nested(MAX_EVENT_DATA_DEPTH));
      expect(checkEventData(tooDeep)).toEqual([{ field: 'data', message: expect.stringContaining('nested too deeply') }]);
    }
  });

  it('allows nesting up to the limit and refuses beyond it, without recursion', () => {
    expect(checkEventData(nested(MAX_EVENT_DATA_DEPTH))).toEqual([]);
    expect(checkEventData(nested(MAX_EVENT_DATA_DEPTH + 1))).toEqual([{ field: 'data', message: expect.stringContaining('nested too deeply') }]);
    expect(checkEventData(nested(100_000))).toHaveLength(1);
  });
});

describe('checkIdempotencyKey', () => {
  it('accepts printable keys up to the limit', () => {
    expect(checkIdempotencyKey('order-42/created', 'idempotency_key')).toEqual([]);
    expect(checkIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH), 'idempotency_key')).toEqual([]);
  });

  it('refuses empty, overlong and control-character keys', () => {
    expect(checkIdempotencyKey('', 'Idempotency-Key')).toEqual([{ field: 'Idempotency-Key', message: 'must not be empty' }]);
    expect(checkIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1), 'idempotency_key')).toHaveLength(1);
    expect(checkIdempotencyKey('a\nb', 'idempotency_key')).toHaveLength(1);
  });
});
