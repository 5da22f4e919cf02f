import type { Db } from '../shared/db.js';
import { paginate } from '../shared/pagination.js';
import { containsPattern, foldedSql } from '../shared/search.js';

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

/** Partners with their count of live participants and a folded name to sort on. */
function partnersQuery(db: Db) {
  const inner = db('partners as pa').select(
    'pa.*',
    db.raw(
      '(SELECT count(*) FROM participants p WHERE p.partner_id = pa.id AND p.merged_into_id IS NULL AND p.status = ?)::int AS participant_count',
      ['active'],
    ),
    foldedSql(db as never, 'pa.name').wrap('', ' AS sort_name'),
  );
  return db.from(inner.as('x')).select('x.*');
}

export function listPartners(
  db: Db,
  f: { q?: string; active?: 'true' | 'false'; limit?: string; cursor?: string; sort?: string },
) {
  const query = partnersQuery(db);
  if (f.q) {
    const like = containsPattern(f.q.trim());
    query.where((w) =>
      w
        .whereILike('x.name', like)
        .orWhereILike('x.contact_name', like)
        .orWhereILike('x.commune_name', like)
        .orWhereILike('x.email', like),
    );
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

export async function insertPartner(db: Db, values: Record<string, unknown>): Promise<string> {
  const [row] = await db('partners').insert(values).returning('id');
  return row.id;
}

export async function updatePartnerRow(db: Db, id: string, values: Record<string, unknown>): Promise<void> {
  await db('partners').where({ id }).update(values);
}

export async function lockPartner(db: Db, id: string): Promise<{ id: string; active: boolean } | undefined> {
  return db('partners').where({ id }).forUpdate().first('id', 'active');
}
