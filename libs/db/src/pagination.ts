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

/** What encodeCursor writes: PostgreSQL's `YYYY-MM-DD"T"HH24:MI:SS.US` of a row's created_at, and a UUID. */
const CURSOR_TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A cursor of the right shape can still be forged (`2026-02-30`, a 36-character id that is no UUID), and those reached
 * PostgreSQL as a cast error: a 500. Only a real instant and a real UUID pass; anything else is the client's error.
 */
export function decodeCursor(cursor: string): CursorPosition {
  const [ts, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const parts = CURSOR_TS.exec(ts ?? '');
  if (!parts || !id || extra !== undefined || !UUID.test(id) || !isRealInstant(parts.slice(1, 7).map(Number))) {
    throw new InvalidCursorError('cursor is not one this API gave out');
  }
  return { ts, id };
}

function isRealInstant([year, month, day, hour, minute, second]: number[]): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1;
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
