import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** `tenantId` null marks a system type (`file.uploaded`), visible to every tenant. */
@Entity('event_types')
export class EventType {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'tenant_id', nullable: true }) tenantId: string | null;
  @Column('text') key: string;
  @Column('text') name: string;
  @Column('text', { default: '' }) description: string;
  @Column('jsonb', { nullable: true }) schema: Record<string, unknown> | null;
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
