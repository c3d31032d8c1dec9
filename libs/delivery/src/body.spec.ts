import { buildBody, EventForBody } from './body';

const event: EventForBody = {
  id: 'evt_2aB3',
  typeKey: 'invoice.paid',
  createdAt: new Date('2024-01-15T12:00:00.123Z'),
  data: { invoiceId: 'inv_1', amount: 4200, currency: 'EUR' },
};

describe('buildBody', () => {
  it('produces the standard envelope in a fixed order', () => {
    expect(buildBody(event, null)).toBe(
      '{"id":"evt_2aB3","type":"invoice.paid","timestamp":"2024-01-15T12:00:00.123Z",' +
        '"data":{"invoiceId":"inv_1","amount":4200,"currency":"EUR"}}',
    );
  });

  it('appends custom payload keys after the envelope', () => {
    expect(buildBody(event, { source: 'crm', meta: { region: 'eu' } })).toBe(
      '{"id":"evt_2aB3","type":"invoice.paid","timestamp":"2024-01-15T12:00:00.123Z",' +
        '"data":{"invoiceId":"inv_1","amount":4200,"currency":"EUR"},"source":"crm","meta":{"region":"eu"}}',
    );
  });

  it('treats an empty custom payload like none', () => {
    expect(buildBody(event, {})).toBe(buildBody(event, null));
  });

  it('never lets custom keys override the envelope', () => {
    const body = buildBody(event, { id: 'forged', type: 'x', timestamp: 'then', data: null, extra: 1 });
    expect(JSON.parse(body)).toEqual({
      id: 'evt_2aB3',
      type: 'invoice.paid',
      timestamp: '2024-01-15T12:00:00.123Z',
      data: { invoiceId: 'inv_1', amount: 4200, currency: 'EUR' },
      extra: 1,
    });
    expect(body).not.toContain('forged');
  });

  it('keeps the envelope first even for integer-like custom keys', () => {
    const body = buildBody(event, { '0': 'zero', '42': 'answer', z: 1 });
    expect(body.startsWith('{"id":"evt_2aB3","type":"invoice.paid"')).toBe(true);
    expect(Object.keys(JSON.parse(body) as object)).toEqual(['0', '42', 'id', 'type', 'timestamp', 'data', 'z']);
    expect(body.endsWith(',"0":"zero","42":"answer","z":1}')).toBe(true);
  });

  it('drops prototype-pollution keys from a stored payload', () => {
    const custom = JSON.parse('{"__proto__":{"isAdmin":true},"constructor":1,"prototype":2,"ok":true}') as Record<
      string,
      unknown
    >;
    expect(buildBody(event, custom)).toBe(`${buildBody(event, null).slice(0, -1)},"ok":true}`);
  });

  it('omits custom members JSON cannot represent, as JSON.stringify would', () => {
    expect(buildBody(event, { gone: undefined, fn: () => 1, kept: null })).toBe(
      `${buildBody(event, null).slice(0, -1)},"kept":null}`,
    );
  });

  it('always emits data, as null when the event has none', () => {
    expect(buildBody({ ...event, data: undefined }, null)).toBe(
      '{"id":"evt_2aB3","type":"invoice.paid","timestamp":"2024-01-15T12:00:00.123Z","data":null}',
    );
    expect(buildBody({ ...event, data: [1, 'two'] }, null)).toContain('"data":[1,"two"]');
    expect(buildBody({ ...event, data: 'text' }, null)).toContain('"data":"text"');
  });

  it('escapes strings exactly like JSON.stringify and round-trips', () => {
    const tricky = { quote: '"', newline: '\n', unicode: 'é☃', separator: '\u2028' };
    const body = buildBody({ ...event, typeKey: 'a"b' }, tricky);
    expect(body).toContain('"type":"a\\"b"');
    expect(JSON.parse(body)).toMatchObject({ type: 'a"b', ...tricky });
  });

  it('matches JSON.stringify of the equivalent object when no key reordering is involved', () => {
    const custom = { source: 'crm', nested: { list: [1, { a: true }] } };
    expect(buildBody(event, custom)).toBe(
      JSON.stringify({
        id: event.id,
        type: event.typeKey,
        timestamp: event.createdAt.toISOString(),
        data: event.data,
        ...custom,
      }),
    );
  });

  it('throws on an invalid timestamp rather than sending a malformed envelope', () => {
    expect(() => buildBody({ ...event, createdAt: new Date('nope') }, null)).toThrow(RangeError);
  });
});
