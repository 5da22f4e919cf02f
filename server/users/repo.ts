import type { Db } from '../shared/db.js';
import { paginate } from '../shared/pagination.js';
import type { UserRow } from '../auth/index.js';

export const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'roles',
  'active',
  'must_change_password',
  'last_login_at',
  'created_at',
  'updated_at',
];

export function listUsers(
  db: Db,
  f: { q?: string; role?: string; active?: 'true' | 'false'; limit?: string; cursor?: string; sort?: string },
) {
  const query = db('users').select(USER_COLUMNS);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.where((w) => w.whereILike('name', like).orWhereILike('email', like));
  }
  if (f.role) query.whereRaw('? = ANY(roles)', [f.role]);
  if (f.active) query.where('active', f.active === 'true');
  return paginate<UserRow & Record<string, unknown>>(query, f, {
    columns: { name: 'name', email: 'email', createdAt: 'created_at' },
    default: 'name',
  });
}

export async function getUser(db: Db, id: string, forUpdate = false): Promise<UserRow | undefined> {
  const q = db('users').where({ id }).first(USER_COLUMNS);
  return (await (forUpdate ? q.forUpdate() : q)) as UserRow | undefined;
}

export async function countOtherActiveAdmins(db: Db, exceptId: string): Promise<number> {
  const row = await db('users')
    .where('active', true)
    .whereRaw("'admin' = ANY(roles)")
    .whereNot({ id: exceptId })
    .count<{ n: number }[]>({ n: '*' });
  return Number(row[0].n);
}
