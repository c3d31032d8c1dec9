import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records on the delivery which attempt a worker started and when, so an attempt that never recorded its outcome
 * (the worker died, or lost the database after sending) is logged as interrupted by the next one, and the outbox
 * sweeper does not re-queue a delivery whose attempt may still be in flight. Both columns have constant defaults:
 * adding them rewrites nothing, so this runs instantly on a table with data.
 */
export class TrackStartedAttempts1795441573589 implements MigrationInterface {
  name = 'TrackStartedAttempts1795441573589';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN started_attempt integer NOT NULL DEFAULT 0, ADD COLUMN attempt_started_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN attempt_started_at, DROP COLUMN started_attempt`);
  }
}
