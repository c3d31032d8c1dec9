import { parseHttpDate, parseRetryAfter, retryDelay, RetryDelayInput } from './backoff';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0); // Mon, 15 Jan 2024 12:00:00 GMT

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 5 ', NOW)).toBe(5_000);
    expect(parseRetryAfter('007', NOW)).toBe(7_000);
  });

  it('reads an IMF-fixdate HTTP-date relative to now', () => {
    expect(parseRetryAfter('Mon, 15 Jan 2024 12:01:30 GMT', NOW)).toBe(90_000);
    expect(parseRetryAfter('Tue, 16 Jan 2024 12:00:00 GMT', NOW)).toBe(86_400_000);
  });

  it('reads the obsolete RFC 850 and asctime forms', () => {
    expect(parseRetryAfter('Monday, 15-Jan-24 12:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Mon Jan 15 12:00:20 2024', NOW)).toBe(20_000);
    expect(parseRetryAfter('Thu Feb  1 12:00:00 2024', NOW)).toBe(17 * 86_400_000);
  });

  it('returns 0 for dates in the past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Mon, 15 Jan 2024 11:59:59 GMT', NOW)).toBe(0);
  });

  it('uses Date.now() when no clock is given', () => {
    const spy = jest.spyOn(Date, 'now').mockReturnValue(NOW);
    try {
      expect(parseRetryAfter('Mon, 15 Jan 2024 12:00:01 GMT')).toBe(1_000);
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['negative', '-5'],
    ['fractional', '1.5'],
    ['with a unit', '120s'],
    ['hex', '0x10'],
    ['exponent', '1e3'],
    ['garbage', 'soon'],
    ['an ISO date', '2024-01-15T12:01:00Z'],
    ['a non-GMT zone', 'Mon, 15 Jan 2024 12:01:30 PST'],
    ['an invalid day', 'Thu, 30 Feb 2024 12:00:00 GMT'],
    ['an invalid month', 'Mon, 15 Foo 2024 12:00:00 GMT'],
    ['an invalid hour', 'Mon, 15 Jan 2024 24:00:00 GMT'],
    ['a year below 100', 'Mon, 15 Jan 0024 12:00:00 GMT'],
    ['too many digits to represent', '9'.repeat(400)],
  ])('returns null for %s', (_label, value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });
});

describe('parseHttpDate', () => {
  it('maps two-digit RFC 850 years into the window ending 50 years ahead', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Friday, 01-Jan-70 00:00:00 GMT', NOW)).toBe(Date.UTC(2070, 0, 1));
    expect(parseHttpDate('Thursday, 01-Jan-75 00:00:00 GMT', NOW)).toBe(Date.UTC(1975, 0, 1));
  });

  it('reads the asctime form as UTC whatever the local zone', () => {
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('accepts a leap-second 60 and a 29 February in a leap year', () => {
    expect(parseHttpDate('Sat, 31 Dec 2016 23:59:60 GMT', NOW)).toBe(Date.UTC(2017, 0, 1));
    expect(parseHttpDate('Thu, 29 Feb 2024 00:00:00 GMT', NOW)).toBe(Date.UTC(2024, 1, 29));
    expect(parseHttpDate('Wed, 29 Feb 2023 00:00:00 GMT', NOW)).toBeNull();
  });
});

describe('retryDelay', () => {
  const schedule = [5_000, 60_000, 600_000];
  const base: RetryDelayInput = { schedule, attemptsMade: 1, jitter: 0, statusCode: 500, retryAfterMs: null };

  it('follows the schedule and clamps to its last step', () => {
    expect([1, 2, 3, 4, 10].map((attemptsMade) => retryDelay({ ...base, attemptsMade }))).toEqual([
      5_000, 60_000, 600_000, 600_000, 600_000,
    ]);
  });

  it('treats fewer than one attempt as the first step', () => {
    expect(retryDelay({ ...base, attemptsMade: 0 })).toBe(5_000);
    expect(retryDelay({ ...base, attemptsMade: -3 })).toBe(5_000);
    expect(retryDelay({ ...base, attemptsMade: NaN })).toBe(5_000);
  });

  it('returns 0 for an empty schedule and never goes negative', () => {
    expect(retryDelay({ ...base, schedule: [] })).toBe(0);
    expect(retryDelay({ ...base, schedule: [-1_000] })).toBe(0);
    expect(retryDelay({ ...base, schedule: [NaN] })).toBe(0);
    expect(retryDelay({ ...base, schedule: [1_000], jitter: 5, random: () => 0 })).toBe(0);
  });

  describe('jitter', () => {
    const jittered = (random: () => number, attemptsMade = 2) =>
      retryDelay({ ...base, attemptsMade, jitter: 0.2, random });

    it('hits the lower bound with random() = 0', () => {
      expect(jittered(() => 0)).toBe(48_000);
    });

    it('approaches the upper bound with random() just below 1', () => {
      expect(jittered(() => 0.999_999_999)).toBe(72_000);
    });

    it('leaves the step unchanged at the midpoint', () => {
      expect(jittered(() => 0.5)).toBe(60_000);
    });

    it('is linear in the random sample', () => {
      expect(jittered(() => 0.25)).toBe(54_000);
      expect(jittered(() => 0.75)).toBe(66_000);
    });

    it('stays within ±20% over many samples and uses the whole band', () => {
      const samples = Array.from({ length: 2_000 }, (_, i) => jittered(() => i / 2_000));
      expect(Math.min(...samples)).toBe(48_000);
      expect(Math.max(...samples)).toBeLessThanOrEqual(72_000);
      expect(Math.max(...samples)).toBeGreaterThan(71_900);
      for (const delay of samples) {
        expect(Number.isInteger(delay)).toBe(true);
      }
    });

    it('stays within bounds with the real Math.random', () => {
      for (let i = 0; i < 1_000; i++) {
        const delay = retryDelay({ ...base, attemptsMade: 2, jitter: 0.2 });
        expect(delay).toBeGreaterThanOrEqual(48_000);
        expect(delay).toBeLessThanOrEqual(72_000);
        expect(Number.isInteger(delay)).toBe(true);
      }
    });

    it('clamps a misbehaving random source into the band', () => {
      expect(jittered(() => -5)).toBe(48_000);
      expect(jittered(() => 7)).toBe(72_000);
      expect(jittered(() => NaN)).toBe(60_000);
    });

    it('rounds to whole milliseconds', () => {
      expect(retryDelay({ ...base, schedule: [1_001], jitter: 0.1, random: () => 0.3 })).toBe(961);
    });
  });

  describe('Retry-After', () => {
    it('honours a longer Retry-After on 429 and 503', () => {
      expect(retryDelay({ ...base, statusCode: 429, retryAfterMs: 120_000 })).toBe(120_000);
      expect(retryDelay({ ...base, statusCode: 503, retryAfterMs: 120_000 })).toBe(120_000);
    });

    it('caps a 429 Retry-After of 7200 s at one hour', () => {
      expect(
        retryDelay({ ...base, statusCode: 429, retryAfterMs: parseRetryAfter('7200', NOW) }),
      ).toBe(3_600_000);
    });

    it('works with a Retry-After HTTP-date end to end', () => {
      const retryAfterMs = parseRetryAfter('Mon, 15 Jan 2024 12:10:00 GMT', NOW);
      expect(retryDelay({ ...base, statusCode: 503, retryAfterMs })).toBe(600_000);
    });

    it('ignores a Retry-After shorter than the jittered step', () => {
      expect(retryDelay({ ...base, attemptsMade: 2, statusCode: 429, retryAfterMs: 30_000 })).toBe(60_000);
      expect(retryDelay({ ...base, attemptsMade: 2, jitter: 0.2, random: () => 0, statusCode: 429, retryAfterMs: 50_000 })).toBe(
        50_000,
      );
      expect(retryDelay({ ...base, attemptsMade: 2, jitter: 0.2, random: () => 0, statusCode: 429, retryAfterMs: 40_000 })).toBe(
        48_000,
      );
    });

    it.each([500, 502, 504, 408, 400, null])('ignores Retry-After on status %p', (statusCode) => {
      expect(retryDelay({ ...base, statusCode, retryAfterMs: 7_200_000 })).toBe(5_000);
    });

    it('ignores a missing or non-finite Retry-After', () => {
      expect(retryDelay({ ...base, statusCode: 429, retryAfterMs: null })).toBe(5_000);
      expect(retryDelay({ ...base, statusCode: 429, retryAfterMs: Infinity })).toBe(5_000);
      expect(retryDelay({ ...base, statusCode: 429, retryAfterMs: NaN })).toBe(5_000);
    });

    it('never shortens a schedule step that is already longer than the cap', () => {
      expect(retryDelay({ ...base, schedule: [18_000_000], statusCode: 429, retryAfterMs: 21_600_000 })).toBe(18_000_000);
    });

    it('returns whole milliseconds for a fractional Retry-After', () => {
      expect(retryDelay({ ...base, statusCode: 429, retryAfterMs: 10_000.2 })).toBe(10_001);
    });
  });
});
