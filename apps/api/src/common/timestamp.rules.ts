import type { RuleViolation } from '@hookline/webhook-rules';

/**
 * RFC 3339 date-times, the ISO 8601 profile the API answers with: `2026-12-07T10:00:00Z`, with seconds, fractions and
 * an offset optional. ISO 8601 also allows forms JavaScript's Date cannot read (`20200101T000000Z`, `2020-W01-1`), which
 * became NaN dates and a 500; those, and impossible dates (`2026-02-30`), are refused.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The instant, or null when `text` is not an RFC 3339 date-time of a real day between the years 1 and 9999. */
export function parseTimestamp(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  const match = RFC3339.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second = '0'] = match.slice(1, 7).map((part) => part ?? '0');
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  // Date.UTC rolls 30 February over into March: the day must survive the round trip.
  const midnight = new Date(Date.UTC(2000, mo - 1, d));
  midnight.setUTCFullYear(y);
  if (midnight.getUTCDate() !== d || midnight.getUTCMonth() !== mo - 1) return null;
  const instant = new Date(text.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T'));
  return Number.isNaN(instant.getTime()) ? null : instant;
}

export function checkTimestamp(value: unknown, field: string): RuleViolation[] {
  return parseTimestamp(value) ? [] : [{ field, message: `must be an RFC 3339 date-time such as 2026-12-07T10:00:00Z` }];
}
