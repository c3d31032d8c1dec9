import { parseTimestamp } from './timestamp.rules';

describe('parseTimestamp', () => {
  it.each([
    ['2026-12-07T10:00:00Z', '2026-12-07T10:00:00.000Z'],
    ['2026-12-07T10:00Z', '2026-12-07T10:00:00.000Z'],
    ['2026-12-07T10:00:00.123456Z', '2026-12-07T10:00:00.123Z'],
    ['2026-12-07T12:00:00+02:00', '2026-12-07T10:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '20200101T000000Z',
    '2020-W01-1',
    '2020-001',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-12-07T24:00:00Z',
    '2026-12-07',
    '0000-01-01T00:00:00Z',
    '2026-12-07T10:00:00',
    'yesterday',
    '',
  ])('refuses %s', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(parseTimestamp(1_700_000_000_000)).toBeNull();
    expect(parseTimestamp(null)).toBeNull();
  });
});
