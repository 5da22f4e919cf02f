import type { Knex } from 'knex';
import { AppError } from './errors.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface SortSpec {
  /** Allowed `?sort=` names → NOT NULL column (the id breaks ties). */
  columns: Record<string, string>;
  default: string;
}

export interface ListParams {
  limit?: string;
  cursor?: string;
  sort?: string;
}

const badField = (field: string, message: string) => new AppError('validation_failed', undefined, [{ field, message }]);

/**
 * Keyset pagination (`?limit=&cursor=&sort=field|-field`): stable under inserts and as fast on
 * the last page as on the first. The cursor is opaque to clients.
 */
export async function paginate<Row extends Record<string, unknown>>(
  query: Knex.QueryBuilder,
  params: ListParams,
  sort: SortSpec,
  idColumn = 'id',
  run: (q: Knex.QueryBuilder) => Promise<unknown[]> = async (q) => q,
): Promise<Page<Row>> {
  const limit = params.limit ? Number(params.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw badField('limit', 'doit être un entier entre 1 et 200');
  const sortName = params.sort ?? sort.default;
  const desc = sortName.startsWith('-');
  const column = sort.columns[desc ? sortName.slice(1) : sortName];
  if (!column)
    throw badField(
      'sort',
      `doit être l’un de : ${Object.keys(sort.columns)
        .flatMap((c) => [c, `-${c}`])
        .join(', ')}`,
    );
  const sortAlias = '__sort';
  if (params.cursor) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(params.cursor, 'base64url').toString('utf8'));
    } catch {
      throw badField('cursor', 'curseur invalide');
    }
    if (!Array.isArray(decoded) || decoded.length !== 3 || decoded[0] !== sortName)
      throw badField('cursor', 'curseur invalide ou d’un autre tri');
    const [, value, id] = decoded;
    query.whereRaw(`(??, ??) ${desc ? '<' : '>'} (?, ?)`, [column, idColumn, value, id]);
  }
  const rows = (await run(
    query
      .select(query.client.raw('(??)::text as ??', [column, sortAlias])) // text keeps microseconds
      .orderByRaw(`?? ${desc ? 'DESC' : 'ASC'}, ?? ${desc ? 'DESC' : 'ASC'}`, [column, idColumn])
      .limit(limit + 1),
  )) as (Row & { __sort: unknown })[];
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const idKey = idColumn.includes('.') ? idColumn.split('.').pop()! : idColumn;
  const nextCursor =
    more && last ? Buffer.from(JSON.stringify([sortName, last[sortAlias], last[idKey]])).toString('base64url') : null;
  for (const r of items) delete (r as Record<string, unknown>)[sortAlias];
  return { items, nextCursor };
}
