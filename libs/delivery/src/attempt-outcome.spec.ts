import { AttemptDecision, AttemptFacts, decideAttempt, outcomeOf } from './attempt-outcome';

const policy = { retrySchedule: [1000, 60_000], retryJitter: 0, now: 1_000_000 };
const scheduled = { trigger: 'scheduled' as const, attemptsMade: 0, maxAttempts: 3 };
const manual = { ...scheduled, trigger: 'manual' as const };
const answer = (statusCode: number | null, extra: { error?: string | null; retryAfter?: string | null } = {}) => ({
  statusCode,
  error: extra.error ?? null,
  retryAfter: extra.retryAfter ?? null,
});

describe('decideAttempt', () => {
  it.each([200, 201, 204, 299])('a %i succeeds and ends the delivery', (status) => {
    expect(decideAttempt(scheduled, answer(status), policy)).toEqual({
      result: 'succeeded',
      error: null,
      delayMs: 0,
      nextAttemptAt: null,
      failureReason: null,
      disableReason: null,
    });
  });

  it('a failure before the last attempt retries after the schedule step', () => {
    expect(decideAttempt(scheduled, answer(500), policy)).toEqual({
      result: 'retry',
      error: 'HTTP 500',
      delayMs: 1000,
      nextAttemptAt: new Date(1_001_000),
      failureReason: null,
      disableReason: null,
    });
    // The second retry takes the second step.
    expect(decideAttempt({ ...scheduled, attemptsMade: 1 }, answer(500), policy)).toMatchObject({ result: 'retry', delayMs: 60_000 });
  });

  it('a retry honours a longer Retry-After on 503', () => {
    expect(decideAttempt(scheduled, answer(503, { retryAfter: '30' }), policy)).toMatchObject({ result: 'retry', delayMs: 30_000 });
  });

  it('no answer at all retries with the sender error as the reason', () => {
    expect(decideAttempt(scheduled, answer(null, { error: 'connect ECONNREFUSED 127.0.0.1:9' }), policy)).toMatchObject({
      result: 'retry',
      error: 'connect ECONNREFUSED 127.0.0.1:9',
    });
  });

  it('a redirect is a failure that says redirects are not followed', () => {
    expect(decideAttempt(scheduled, answer(302), policy)).toMatchObject({ result: 'retry', error: 'HTTP 302: redirects are not followed' });
  });

  it('a failure of the last attempt ends the delivery exhausted', () => {
    expect(decideAttempt({ ...scheduled, attemptsMade: 2 }, answer(500), policy)).toEqual({
      result: 'failed',
      error: 'HTTP 500',
      delayMs: 0,
      nextAttemptAt: null,
      failureReason: 'exhausted',
      disableReason: null,
    });
  });

  it('a 410 ends the delivery at once and disables its endpoint, whatever the attempt', () => {
    const gone: AttemptDecision = {
      result: 'failed',
      error: 'HTTP 410',
      delayMs: 0,
      nextAttemptAt: null,
      failureReason: 'gone',
      disableReason: 'endpoint answered 410 Gone',
    };
    expect(decideAttempt(scheduled, answer(410), policy)).toEqual(gone);
    expect(decideAttempt(manual, answer(410), policy)).toEqual(gone);
  });

  it('a manual attempt that fails is recorded and changes nothing else, even on the last attempt', () => {
    const recorded = { result: 'recorded', error: 'HTTP 500', delayMs: 0, nextAttemptAt: null, failureReason: null, disableReason: null };
    expect(decideAttempt(manual, answer(500), policy)).toEqual(recorded);
    expect(decideAttempt({ ...manual, attemptsMade: 0, maxAttempts: 1 }, answer(500), policy)).toEqual(recorded);
  });

  it('a manual attempt that succeeds succeeds', () => {
    expect(decideAttempt(manual, answer(200), policy)).toMatchObject({ result: 'succeeded' });
  });
});

describe('outcomeOf', () => {
  const facts: AttemptFacts = { webhookId: 'w', eventTypeKey: 'order.created', eventCreatedAt: new Date(0), statusCode: 500, durationMs: 12, webhookDisabled: false };
  const recorded = { attempt: 2, webhookDisabled: false };

  it('maps each decision to the outcome the processor acts on', () => {
    expect(outcomeOf(decideAttempt(scheduled, answer(200), policy), recorded, { ...facts, statusCode: 200 })).toEqual({
      kind: 'succeeded',
      attempt: 2,
      statusCode: 200,
      facts: { ...facts, statusCode: 200 },
    });
    expect(outcomeOf(decideAttempt(scheduled, answer(500), policy), recorded, facts)).toEqual({ kind: 'retry', attempt: 2, delayMs: 1000, error: 'HTTP 500', facts });
    expect(outcomeOf(decideAttempt({ ...scheduled, attemptsMade: 2 }, answer(500), policy), recorded, facts)).toEqual({
      kind: 'failed',
      attempt: 2,
      error: 'HTTP 500',
      reason: 'exhausted',
      facts,
    });
    expect(outcomeOf(decideAttempt(scheduled, answer(410), policy), recorded, { ...facts, statusCode: 410 })).toMatchObject({ kind: 'failed', reason: 'gone' });
    expect(outcomeOf(decideAttempt(manual, answer(500), policy), recorded, facts)).toEqual({
      kind: 'failed',
      attempt: 2,
      error: 'HTTP 500',
      reason: 'manual_attempt_failed',
      facts,
    });
  });
});
