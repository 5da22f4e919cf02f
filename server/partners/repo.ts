import type { Db } from '../shared/db.js';
import { paginate } from '../shared/pagination.js';
import { containsPattern, foldText } from '../shared/search.js';

export interface PartnerRow {
  id: string;
  name: string;
  kind: 'association' | 'public_service' | 'company' | 'other';
  contact_name: string | null;
  email: string | null;
  phone: string | null;
  address_line1: string | null;
  postal_code: string | null;
  commune_insee: string | null;
  commune_name: string | null;
  notes: string | null;
  active: boolean;
  participant_count: number;
  created_at: Date;
  updated_at: Date;
}

/** Partners with their count of live participants (`sort_name`, the folded name, is a stored column). */
function partnersQuery(db: Db) {
  const inner = db('partners as pa').select(
    'pa.*',
    db.raw(
      '(SELECT count(*) FROM participants p WHERE p.partner_id = pa.id AND p.merged_into_id IS NULL AND p.status = ?)::int AS participant_count',
      ['active'],
    ),
  );
  return db.from(inner.as('x')).select('x.*');
}

const SEARCHED_COLUMNS = ['name', 'contact_name', 'commune_name', 'email'] as const;
type SearchSources = Partial<Record<(typeof SEARCHED_COLUMNS)[number], string | null>>;

/**
 * The stored, folded copies the list sorts and searches on (db/migrations/…-partners-search-columns.ts):
 * `sort_name` the name, `search_text` the name, contact, commune and e-mail, lower case and
 * without accents. Every write of a source column writes them with it.
 */
function searchColumns(p: SearchSources): { sort_name: string; search_text: string } {
  return {
    sort_name: foldText(p.name ?? ''),
    search_text: SEARCHED_COLUMNS.map((c) => foldText(p[c] ?? ''))
      .filter(Boolean)
      .join(' '),
  };
}

export function listPartners(
  db: Db,
  f: { q?: string; active?: 'true' | 'false'; limit?: string; cursor?: string; sort?: string },
) {
  const query = partnersQuery(db);
  if (f.q) {
    query.where('x.search_text', 'like', containsPattern(foldText(f.q.trim())));
  }
  if (f.active) query.where('x.active', f.active === 'true');
  return paginate<PartnerRow & Record<string, unknown>>(
    query,
    f,
    { columns: { name: 'x.sort_name', createdAt: 'x.created_at' }, default: 'name' },
    'x.id',
  );
}

export async function getPartner(db: Db, id: string): Promise<PartnerRow | undefined> {
  return (await partnersQuery(db).where('x.id', id).first()) as PartnerRow | undefined;
}

/** Active partners by name, for select lists and imports. */
export async function activePartnerOptions(db: Db): Promise<{ id: string; name: string }[]> {
  return db('partners').where('active', true).orderByRaw('lower(name)').select('id', 'name');
}

export async function findPartnerIdByName(db: Db, name: string, exceptId?: string): Promise<string | undefined> {
  const q = db('partners').whereRaw('lower(name) = lower(?)', [name.trim()]);
  if (exceptId) q.whereNot('id', exceptId);
  const row = await q.first('id');
  return row?.id;
}

/** Inserts a partner (`values`: every column given) with its search columns. */
export async function insertPartner(db: Db, values: Record<string, unknown>): Promise<string> {
  const [row] = await db('partners')
    .insert({ ...values, ...searchColumns(values as SearchSources) })
    .returning('id');
  return row.id;
}

/** Changes a partner's columns; when a searched one changes, the search columns follow in the same UPDATE. */
export async function updatePartnerRow(db: Db, id: string, values: Record<string, unknown>): Promise<void> {
  if (SEARCHED_COLUMNS.some((c) => c in values)) {
    const current = await db('partners').where({ id }).first(SEARCHED_COLUMNS);
    if (current) values = { ...values, ...searchColumns({ ...current, ...values } as SearchSources) };
  }
  await db('partners').where({ id }).update(values);
}

export async function lockPartner(db: Db, id: string): Promise<{ id: string; active: boolean } | undefined> {
  return db('partners').where({ id }).forUpdate().first('id', 'active');
}
