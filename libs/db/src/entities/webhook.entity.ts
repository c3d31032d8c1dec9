import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type WebhookStatus = 'enabled' | 'disabled';

@Entity('webhooks')
export class Webhook {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId: string;
  @Column('uuid', { name: 'event_type_id' }) eventTypeId: string;
  @Column('integer', { name: 'user_id' }) userId: number;
  @Column('text') url: string;
  /** The custom headers object, encrypted as a whole (it may carry credentials). */
  @Column('text', { name: 'custom_headers_enc', nullable: true }) customHeadersEnc: string | null;
  @Column('jsonb', { name: 'custom_payload', nullable: true }) customPayload: Record<string, unknown> | null;
  @Column('text', { name: 'secret_enc' }) secretEnc: string;
  @Column('text', { name: 'previous_secret_enc', nullable: true }) previousSecretEnc: string | null;
  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true }) previousSecretExpiresAt: Date | null;
  @Column('text', { default: 'enabled' }) status: WebhookStatus;
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason: string | null;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt: Date | null;
  @Column('integer', { name: 'consecutive_failures', default: 0 }) consecutiveFailures: number;
  /** An explicit disable by the tenant: never probed or re-enabled by Hookline (the platform's own disables are). */
  @Column('boolean', { name: 'disabled_by_tenant', default: false }) disabledByTenant: boolean;
  @Column('timestamptz', { name: 'last_probe_at', nullable: true }) lastProbeAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt: Date | null;
}
