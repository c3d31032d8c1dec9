import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The reference design's `error_log`: one row when a delivery ends failed, and for other delivery-level errors. */
@Entity('error_logs')
export class ErrorLog {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId: string;
  @Column('uuid', { name: 'webhook_id', nullable: true }) webhookId: string | null;
  @Column('uuid', { name: 'delivery_id', nullable: true }) deliveryId: string | null;
  @Column('text') message: string;
  @Column('jsonb', { nullable: true }) detail: Record<string, unknown> | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
