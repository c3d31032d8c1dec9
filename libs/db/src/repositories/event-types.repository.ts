import { Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { EventType } from '../entities';
import { GroupCommit } from '@hookline/batching';
import { prepared, runPrepared } from '../prepared-statement';
import { Page, paginate } from '../pagination';
import { isUuid, requireTenant } from './tenant-scope';

export interface NewEventType {
  key: string;
  name: string;
  description: string;
  schema: Record<string, unknown> | null;
}

/** Only the fields present change; `schema: null` removes the schema. */
export interface EventTypeChanges {
  name?: string;
  description?: string;
  schema?: Record<string, unknown> | null;
  archived?: boolean;
}

/** System types and the tenant's own by key, the tenant's first, for many (tenant, key) pairs at once. */
const VISIBLE_BY_KEYS = prepared(
  `SELECT r.n, et.id, et.tenant_id AS "tenantId", et.key, et.name, et.description, et.schema, et.archived_at AS "archivedAt",
              et.created_at AS "createdAt", et.updated_at AS "updatedAt"
         FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS r(tenant_id, key, n)
         CROSS JOIN LATERAL (
           SELECT et.id, et.tenant_id, et.key, et.name, et.description, et.schema, et.archived_at, et.created_at, et.updated_at
             FROM event_types et WHERE (et.tenant_id = r.tenant_id OR et.tenant_id IS NULL) AND et.key = r.key
            ORDER BY et.tenant_id IS NULL LIMIT 1
         ) et`,
  { plan: 'generic' },
);

@Injectable()
export class EventTypesRepository {
  /** Every publish looks its type up: publishes arriving together share one query. */
  private readonly byKey = new GroupCommit<{ tenantId: string; key: string }, EventType | null>((wanted) => this.getVisibleByKeys(wanted), { maxBatch: 500 });

  constructor(private readonly db: DataSource) {}

  private visible(tenantId: string) {
    requireTenant(tenantId);
    return this.db
      .getRepository(EventType)
      .createQueryBuilder('et')
      .where(new Brackets((w) => w.where('et.tenant_id IS NULL').orWhere('et.tenant_id = :tenantId', { tenantId })));
  }

  /** System types and the tenant's own, system first. */
  listVisible(tenantId: string, includeArchived = false): Promise<EventType[]> {
    const qb = this.visible(tenantId);
    if (!includeArchived) qb.andWhere('et.archived_at IS NULL');
    return qb.orderBy('et.tenant_id IS NULL', 'DESC').addOrderBy('et.key', 'ASC').getMany();
  }

  /** The same set as listVisible, newest first, one keyset page at a time. */
  page(tenantId: string, includeArchived: boolean, limit: number, cursor?: string): Promise<Page<EventType>> {
    const qb = this.visible(tenantId);
    if (!includeArchived) qb.andWhere('et.archived_at IS NULL');
    return paginate(qb, 'et', limit, cursor);
  }

  async getVisible(tenantId: string, id: string): Promise<EventType | null> {
    if (!isUuid(id)) return null;
    return this.visible(tenantId).andWhere('et.id = :id', { id }).getOne();
  }

  /** By key, as a publisher names it; the tenant's own type wins over a system type of the same key. */
  getVisibleByKey(tenantId: string, key: string): Promise<EventType | null> {
    return this.byKey.submit({ tenantId: requireTenant(tenantId), key });
  }

  /** Plain SQL on the unique (tenant_id, key) and system (key) indexes, many lookups in one statement. */
  private async getVisibleByKeys(wanted: Array<{ tenantId: string; key: string }>): Promise<Array<EventType | null>> {
    const rows = await runPrepared<Array<EventType & { n: string }>>(this.db, VISIBLE_BY_KEYS, [wanted.map((w) => w.tenantId), wanted.map((w) => w.key)]);
    const byIndex = new Map(rows.map(({ n, ...type }) => [Number(n) - 1, Object.assign(new EventType(), type)]));
    return wanted.map((_, index) => byIndex.get(index) ?? null);
  }

  getSystem(key: string): Promise<EventType | null> {
    return this.db.getRepository(EventType).createQueryBuilder('et').where('et.tenant_id IS NULL AND et.key = :key', { key }).getOne();
  }

  /** Returns null when the tenant already has a type with this key (archived ones included): the unique index decides. */
  async create(tenantId: string, fields: NewEventType): Promise<EventType | null> {
    const [row] = await this.db.query(
      `INSERT INTO event_types (tenant_id, key, name, description, schema) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (tenant_id, key) WHERE tenant_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [requireTenant(tenantId), fields.key, fields.name, fields.description, fields.schema === null ? null : JSON.stringify(fields.schema)],
    );
    return row ? this.getVisible(tenantId, row.id) : null;
  }

  /**
   * Changes one of the tenant's own types (never a system type: null). `updated_at` strictly increases on every
   * change, so a validator cached under (id, updated_at) can never outlive the schema it was compiled from.
   */
  async update(tenantId: string, id: string, changes: EventTypeChanges): Promise<EventType | null> {
    if (!isUuid(id)) return null;
    const [rows] = await this.db.query(
      `UPDATE event_types
          SET name = COALESCE($3, name),
              description = COALESCE($4, description),
              schema = CASE WHEN $5::boolean THEN $6::jsonb ELSE schema END,
              archived_at = CASE WHEN $7::boolean IS NULL THEN archived_at WHEN $7::boolean THEN COALESCE(archived_at, now()) ELSE NULL END,
              updated_at = greatest(now(), updated_at + interval '1 millisecond')
        WHERE tenant_id = $1 AND id = $2
        RETURNING id`,
      [
        requireTenant(tenantId),
        id,
        changes.name ?? null,
        changes.description ?? null,
        changes.schema !== undefined,
        changes.schema ? JSON.stringify(changes.schema) : null,
        changes.archived ?? null,
      ],
    );
    return rows.length > 0 ? this.getVisible(tenantId, id) : null;
  }
}
