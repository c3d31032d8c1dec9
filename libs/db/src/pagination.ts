import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export class InvalidCursorError extends Error {}

interface CursorPosition {
  ts: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.ts}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!ts || !id || !/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(ts) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new InvalidCursorError('cursor is not one this API gave out');
  }
  return { ts, id };
}

/**
 * Keyset pagination, newest first, on (created_at, id). The cursor keeps PostgreSQL's microseconds, which a JS Date
 * would drop (and so skip or repeat rows that share a millisecond).
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  limit: number,
  cursor?: string,
): Promise<Page<T>> {
  const tsExpr = `to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
  if (cursor) {
    const position = decodeCursor(cursor);
    qb.andWhere(`(${alias}.created_at, ${alias}.id) < ((:cursorTs)::timestamp AT TIME ZONE 'UTC', :cursorId)`, {
      cursorTs: position.ts,
      cursorId: position.id,
    });
  }
  qb.addSelect(tsExpr, 'cursor_ts')
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(limit + 1);
  const { entities, raw } = await qb.getRawAndEntities();
  const items = entities.slice(0, limit);
  const last = items.length === limit && entities.length > limit ? items[items.length - 1] : null;
  const lastRaw = last ? raw[limit - 1] : null;
  return { items, next_cursor: last && lastRaw ? encodeCursor({ ts: lastRaw.cursor_ts, id: last.id }) : null };
}
