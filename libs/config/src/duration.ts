const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `500ms`, `5s`, `5m`, `2h`, `1d` (or a bare number of milliseconds). Returns null when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]) * UNIT_MS[match[2] ?? 'ms'];
  return Number.isFinite(value) ? Math.round(value) : null;
}

/** Parses a comma-separated schedule such as `5s,5m,30m`. Returns null when any step is malformed. */
export function parseSchedule(text: string): number[] | null {
  const steps = text.split(',').map((step) => parseDuration(step));
  return steps.some((step) => step === null) ? null : (steps as number[]);
}
