/** A receiver asking us to wait longer than this is capped, so one endpoint cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 9110 §5.6.7: IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** Obsolete RFC 850 form, e.g. `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = /^[A-Za-z]{6,9}, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** Obsolete asctime form, e.g. `Sun Nov  6 08:49:37 1994` (always UTC, no zone written). */
const ASCTIME_DATE = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

interface DateParts {
  year: number;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/** RFC 9110: a two-digit year more than 50 years ahead means the most recent past year with those digits. */
function expandTwoDigitYear(twoDigits: number, now: number): number {
  const currentYear = new Date(now).getUTCFullYear();
  const candidate = currentYear - (currentYear % 100) + twoDigits;
  return candidate > currentYear + 50 ? candidate - 100 : candidate;
}

function matchHttpDate(value: string, now: number): DateParts | null {
  let m = IMF_FIXDATE.exec(value);
  if (m) return { day: m[1], month: m[2], year: Number(m[3]), hour: m[4], minute: m[5], second: m[6] };
  m = RFC850_DATE.exec(value);
  if (m) {
    return { day: m[1], month: m[2], year: expandTwoDigitYear(Number(m[3]), now), hour: m[4], minute: m[5], second: m[6] };
  }
  m = ASCTIME_DATE.exec(value);
  if (m) return { month: m[1], day: m[2].trim(), hour: m[3], minute: m[4], second: m[5], year: Number(m[6]) };
  return null;
}

/**
 * Parsed by hand rather than with Date.parse, which accepts far more than HTTP-dates (`-5` is a valid year to
 * V8) and reads the zone-less asctime form as local time.
 */
export function parseHttpDate(value: string, now = Date.now()): number | null {
  const parts = matchHttpDate(value, now);
  if (!parts) return null;
  const month = MONTHS.indexOf(parts.month.toLowerCase());
  const [day, hour, minute, second] = [parts.day, parts.hour, parts.minute, parts.second].map(Number);
  // Second 60 is a leap second, which the grammar allows.
  if (month < 0 || hour > 23 || minute > 59 || second > 60) return null;
  const midnight = Date.UTC(parts.year, month, day);
  // Date.UTC rolls 31 Feb over into March and maps years 0-99 to 19xx; either shift means an invalid date.
  const parsed = new Date(midnight);
  if (parsed.getUTCDate() !== day || parsed.getUTCFullYear() !== parts.year) return null;
  return midnight + ((hour * 60 + minute) * 60 + second) * 1000;
}

export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    return Number.isFinite(ms) ? ms : null;
  }
  const at = parseHttpDate(text, now);
  if (at === null) return null;
  return Math.max(0, at - now);
}

export interface RetryDelayInput {
  /** Delay in ms before each retry; the first entry follows the first failed attempt. */
  schedule: number[];
  /** Attempts already made, at least 1. */
  attemptsMade: number;
  /** Fraction of the step to spread by in either direction, 0 to below 1 (0.2 = ±20%). */
  jitter: number;
  statusCode: number | null;
  retryAfterMs: number | null;
  /** Injected for tests; defaults to Math.random. Expected in [0, 1). */
  random?: () => number;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function scheduleStep(schedule: number[], attemptsMade: number): number {
  if (schedule.length === 0) return 0;
  const index = clamp(Math.floor(attemptsMade) - 1, 0, schedule.length - 1);
  const step = schedule[index];
  return Number.isFinite(step) && step > 0 ? step : 0;
}

/** Only these statuses mean "come back later"; elsewhere Retry-After is advisory and not worth obeying. */
function honoursRetryAfter(statusCode: number | null): boolean {
  return statusCode === 429 || statusCode === 503;
}

export function retryDelay(input: RetryDelayInput): number {
  const base = scheduleStep(input.schedule, Number.isFinite(input.attemptsMade) ? input.attemptsMade : 1);
  const jitter = Number.isFinite(input.jitter) ? clamp(input.jitter, 0, 1) : 0;
  const sample = (input.random ?? Math.random)();
  // A misbehaving random source must not push the delay outside the advertised ±jitter band.
  const unit = Number.isFinite(sample) ? clamp(sample, 0, 1) : 0.5;
  // Spreading retries stops endpoints that failed together from being hit together again.
  const jittered = Math.max(0, Math.round(base * (1 + jitter * (2 * unit - 1))));
  const retryAfter = input.retryAfterMs;
  if (
    honoursRetryAfter(input.statusCode) &&
    retryAfter !== null &&
    Number.isFinite(retryAfter) &&
    retryAfter > jittered
  ) {
    // The cap bounds how long a receiver can push us back, but must never make us retry sooner than our own
    // schedule would (a 5 h step with Retry-After of 6 h stays 5 h rather than dropping to the 1 h cap).
    return Math.max(jittered, Math.ceil(Math.min(retryAfter, MAX_RETRY_AFTER_MS)));
  }
  return jittered;
}
