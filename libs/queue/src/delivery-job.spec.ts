import { deliveryJobOptions, manualJobOptions, maxAttempts } from './delivery-job';

describe('maxAttempts', () => {
  it('is the first attempt plus one per schedule step', () => {
    expect(maxAttempts([])).toBe(1);
    expect(maxAttempts([5_000])).toBe(2);
    expect(maxAttempts([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000])).toBe(7);
  });
});

describe('job options', () => {
  it('keys a scheduled job by its delivery id, so a re-queue never doubles it', () => {
    expect(deliveryJobOptions('d-1', 8)).toMatchObject({ jobId: 'd-1', attempts: 8 });
  });

  it('gives a manual attempt its own one-shot id beside the scheduled job', () => {
    expect(manualJobOptions('d-1', 42)).toMatchObject({ jobId: 'd-1:manual:42', attempts: 1 });
  });
});
