import { compileSchema, MAX_SCHEMA_BYTES, toRe2Syntax } from './json-schema';

function validator(schema: unknown) {
  const compiled = compileSchema(schema);
  if (!compiled.ok) throw new Error(`expected a valid schema: ${JSON.stringify(compiled.details)}`);
  return compiled.validate;
}

const order = {
  type: 'object',
  required: ['id', 'amount'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^ord_[a-z0-9]+$' },
    amount: { type: 'integer', minimum: 1 },
    email: { type: 'string', format: 'email' },
    lines: { type: 'array', items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } },
  },
};

describe('compileSchema', () => {
  it('accepts conforming data', () => {
    expect(validator(order)({ id: 'ord_42', amount: 3, email: 'a@example.com', lines: [{ sku: 'x' }] })).toEqual([]);
  });

  it('names each offending field in the data', () => {
    const details = validator(order)({ id: 'nope', amount: 0, email: 'not-an-email', lines: [{ sku: 'x' }, {}], extra: true });
    expect(details).toEqual(
      expect.arrayContaining([
        { field: 'data.id', message: 'must match pattern "^ord_[a-z0-9]+$"' },
        { field: 'data.amount', message: 'must be >= 1' },
        { field: 'data.email', message: 'must match format "email"' },
        { field: 'data.lines[1].sku', message: "must have required property 'sku'" },
        { field: 'data.extra', message: 'must NOT have additional properties' },
      ]),
    );
  });

  it('reports a missing required property at its own path', () => {
    expect(validator(order)({ id: 'ord_1' })).toEqual([{ field: 'data.amount', message: "must have required property 'amount'" }]);
  });

  it('refuses a schema that is not a valid JSON Schema, with Ajv errors', () => {
    const compiled = compileSchema({ type: 'objekt' });
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.details).toEqual(expect.arrayContaining([{ field: 'schema.type', message: expect.any(String) }]));
  });

  it('refuses unknown keywords (typos) and unknown formats', () => {
    const typo = compileSchema({ type: 'object', properites: { id: { type: 'string' } } });
    expect(typo).toEqual({ ok: false, details: [{ field: 'schema', message: expect.stringContaining('properites') }] });
    const format = compileSchema({ type: 'string', format: 'zip-code' });
    expect(format).toEqual({ ok: false, details: [{ field: 'schema', message: expect.stringContaining('zip-code') }] });
  });

  it('refuses non-objects, oversize schemas, unknown drafts, async schemas and remote refs', () => {
    expect(compileSchema([1])).toEqual({ ok: false, details: [{ field: 'schema', message: 'must be a JSON Schema object' }] });
    expect(compileSchema({ description: 'x'.repeat(MAX_SCHEMA_BYTES) })).toEqual({ ok: false, details: [{ field: 'schema', message: expect.stringContaining('at most') }] });
    expect(compileSchema({ $schema: 'http://json-schema.org/draft-04/schema#' })).toEqual({ ok: false, details: [{ field: 'schema.$schema', message: expect.any(String) }] });
    expect(compileSchema({ $async: true, type: 'object' })).toEqual({ ok: false, details: [{ field: 'schema.$async', message: expect.any(String) }] });
    expect(compileSchema({ $ref: 'https://example.com/schema.json' })).toEqual({ ok: false, details: [{ field: 'schema', message: expect.stringContaining('resolve') }] });
  });

  it('understands 2019-09 and 2020-12 when the schema declares them', () => {
    const v2020 = validator({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string' }] });
    expect(v2020(['a'])).toEqual([]);
    expect(v2020([1])).toHaveLength(1);
    const v2019 = validator({ $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'object', unevaluatedProperties: false });
    expect(v2019({ a: 1 })).toHaveLength(1);
  });

  it('keeps tenants apart: two schemas with the same $id compile independently', () => {
    const a = validator({ $id: 'https://tenant.example/order', type: 'string' });
    const b = validator({ $id: 'https://tenant.example/order', type: 'integer' });
    expect(a('x')).toEqual([]);
    expect(b(1)).toEqual([]);
    expect(b('x')).toHaveLength(1);
  });

  it('matches patterns in linear time (RE2): a catastrophic pattern answers at once', () => {
    const validate = validator({ type: 'string', pattern: '^(a+)+$' });
    expect(validate(`${'a'.repeat(5000)}!`)).toHaveLength(1);
    expect(validate('aaaa')).toEqual([]);
  });

  it('refuses patterns RE2 cannot run (lookaround, backreferences) on save', () => {
    expect(compileSchema({ type: 'string', pattern: '^(?=a)' }).ok).toBe(false);
    expect(compileSchema({ type: 'string', pattern: '(a)\\1' }).ok).toBe(false);
  });

  it('keeps distinct patterns distinct, unicode escapes included', () => {
    const validate = validator({
      type: 'object',
      properties: { upper: { type: 'string', pattern: '^[\\u0041-\\u005A]+$' }, digits: { type: 'string', pattern: '^\\d+$' } },
      patternProperties: { '^x_': { type: 'integer' } },
    });
    expect(validate({ upper: 'ABC', digits: '123', x_a: 1 })).toEqual([]);
    expect(validate({ upper: 'abc', digits: 'abc', x_a: 'no' })).toHaveLength(3);
  });
});

describe('toRe2Syntax', () => {
  it('rewrites \\u escapes and leaves escaped backslashes alone', () => {
    expect(toRe2Syntax('\\u0041')).toBe('\\x{0041}');
    expect(toRe2Syntax('\\u{1F600}')).toBe('\\x{1F600}');
    expect(toRe2Syntax('\\\\u0041')).toBe('\\\\u0041');
    expect(toRe2Syntax('^\\d+$')).toBe('^\\d+$');
  });
});
