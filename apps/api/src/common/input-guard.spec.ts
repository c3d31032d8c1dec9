import { inspectInput, MAX_BODY_DEPTH } from './input-guard';

function nested(depth: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < depth; level++) value = [value];
  return value;
}

describe('inspectInput', () => {
  it('accepts ordinary bodies, with emoji, RTL marks and other scripts', () => {
    expect(inspectInput({ name: 'Café ☕ 🚀', note: '\u200fשלום\u200e', lines: [{ sku: 'tea', qty: 2 }], flag: null }, 'body')).toBeNull();
    expect(inspectInput({ pair: '\ud83d\ude80' }, 'body')).toBeNull();
    expect(inspectInput(undefined, 'body')).toBeNull();
  });

  it('refuses NUL in a string or a key at any depth, naming where', () => {
    expect(inspectInput({ data: { a: [{ b: 'x\u0000y' }] } }, 'body')).toEqual({ field: 'data.a[0].b', message: expect.stringContaining('NUL') });
    expect(inspectInput({ data: { a: { 'k\u0000': 1 } } }, 'body')).toEqual({ field: 'data.a', message: expect.stringMatching(/^keys .*NUL/) });
    expect(inspectInput({ 'k\u0000': 1 }, 'body')).toEqual({ field: 'body', message: expect.stringMatching(/^keys .*NUL/) });
    expect(inspectInput({ status: 'failed\u0000' }, 'query')).toEqual({ field: 'status', message: expect.stringContaining('NUL') });
  });

  it.each([['\ud800'], ['\udfff'], ['a\ud83d'], ['\ude80b'], ['\ude80\ud83d']])('refuses the unpaired surrogate in %j', (text) => {
    expect(inspectInput({ name: text }, 'body')).toEqual({ field: 'name', message: expect.stringContaining('surrogate') });
    expect(inspectInput({ data: { [text]: 1 } }, 'body')).toEqual({ field: 'data', message: expect.stringContaining('surrogate') });
  });

  it('finds a bad string wherever it sits in a large payload, in arrays as in objects', () => {
    const payload = (): Record<string, any> => {
      const items: Record<string, unknown> = {};
      for (let index = 0; index < 200; index++) items[`item_${index}`] = { id: index, tags: ['a', { deep: [index, null, true] }] };
      return { data: items };
    };
    expect(inspectInput(payload(), 'body')).toBeNull();
    for (const index of [0, 99, 199]) {
      const body = payload();
      body.data[`item_${index}`].tags[1].deep.push('x\u0000');
      expect(inspectInput(body, 'body')).toEqual({ field: `data.item_${index}.tags[1].deep[3]`, message: expect.stringContaining('NUL') });
    }
  });

  it('refuses nesting past the limit without recursing, however deep', () => {
    expect(inspectInput({ a: nested(MAX_BODY_DEPTH - 1) }, 'body')).toBeNull();
    expect(inspectInput({ a: nested(MAX_BODY_DEPTH) }, 'body')).toEqual({ field: 'body', message: expect.stringContaining('nested too deeply') });
    expect(inspectInput(nested(200_000), 'body')).toEqual({ field: 'body', message: expect.stringContaining('nested too deeply') });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a top-level key, and keeps it as data below', (key) => {
    expect(inspectInput(JSON.parse(`{"${key}": {"isAdmin": true}, "name": "x"}`), 'body')).toEqual({ field: key, message: `property ${key} should not exist` });
    expect(inspectInput(JSON.parse(`{"data": {"${key}": {"a": 1}}}`), 'body')).toBeNull();
  });
});
