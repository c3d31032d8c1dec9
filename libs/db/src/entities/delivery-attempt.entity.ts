import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AttemptTrigger = 'scheduled' | 'manual';

@Entity('delivery_attempts')
export class DeliveryAttempt {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId: string;
  @Column('uuid', { name: 'delivery_id' }) deliveryId: string;
  @Column('integer') attempt: number;
  @Column('text', { default: 'scheduled' }) trigger: AttemptTrigger;
  @Column('text') url: string;
  @Column('integer', { name: 'status_code', nullable: true }) statusCode: number | null;
  @Column('integer', { name: 'duration_ms' }) durationMs: number;
  @Column('text', { nullable: true }) error: string | null;
  @Column('text', { name: 'response_excerpt', nullable: true }) responseExcerpt: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
