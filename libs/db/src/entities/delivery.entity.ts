import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** pending: committed, job maybe not yet in Redis; queued: job added; then succeeded or failed. */
export type DeliveryStatus = 'pending' | 'queued' | 'succeeded' | 'failed';

@Entity('deliveries')
export class Delivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId: string;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  @Column('uuid', { name: 'webhook_id' }) webhookId: string;
  @Column('text', { default: 'pending' }) status: DeliveryStatus;
  @Column('integer', { name: 'attempt_count', default: 0 }) attemptCount: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt: Date | null;
  @Column('integer', { name: 'last_status_code', nullable: true }) lastStatusCode: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('text', { name: 'failure_reason', nullable: true }) failureReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt: Date | null;
}
