import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('events')
export class Event {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId: string;
  @Column('uuid', { name: 'event_type_id' }) eventTypeId: string;
  @Column('jsonb') data: unknown;
  @Column('integer', { name: 'user_id', nullable: true }) userId: number | null;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
