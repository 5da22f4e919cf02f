import { randomBytes } from 'node:crypto';
import type { Role } from '../../server/shared/authorize.js';
import { hashPassword } from '../../server/auth/index.js';
import { ctx } from './context.js';
import { Client } from './client.js';

export const TEST_PASSWORD = 'Test-Password-2026';
let hash: Promise<string> | null = null;

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${randomBytes(5).toString('hex')}@test.example`;
}

/** Inserts a real staff account. */
export async function createUser(options: { roles?: Role[]; email?: string; name?: string; active?: boolean } = {}) {
  hash ??= hashPassword(TEST_PASSWORD);
  const email = options.email ?? uniqueEmail(options.roles?.[0] ?? 'user');
  const [row] = await ctx().deps.db('users')
    .insert({ email, name: options.name ?? 'Agent Test', roles: options.roles ?? ['staff'], password_hash: await hash, active: options.active ?? true })
    .returning(['id', 'email', 'name', 'roles']);
  return { ...row, password: TEST_PASSWORD } as { id: string; email: string; name: string; roles: Role[]; password: string };
}

/** A client signed in as a new account with these roles. */
export async function signedIn(...roles: Role[]): Promise<Client & { user: Awaited<ReturnType<typeof createUser>> }> {
  const user = await createUser({ roles: roles.length ? roles : ['staff'] });
  const client = new Client() as Client & { user: typeof user };
  const r = await client.login(user.email, user.password);
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  client.user = user;
  return client;
}

/** Inserts a real partner (structure relais). */
export async function createPartner(options: { name?: string } = {}) {
  const [row] = await ctx().deps.db('partners')
    .insert({ name: options.name ?? `Association ${randomBytes(4).toString('hex')}`, kind: 'association', contact_name: 'Référente Test', email: uniqueEmail('partner'), commune_insee: '26362', commune_name: 'Valence' })
    .returning(['id', 'name']);
  return row as { id: string; name: string };
}

/** Inserts a real participant (active, reachable by e-mail); returns id and reference. */
export async function createParticipant(options: { firstName?: string; lastName?: string; email?: string | null; partnerId?: string | null; preferredChannel?: string; needs?: string[] } = {}) {
  const [row] = await ctx().deps.db('participants')
    .insert({
      first_name: options.firstName ?? 'Camille',
      last_name: options.lastName ?? `Test${randomBytes(3).toString('hex')}`,
      email: options.email === undefined ? uniqueEmail('participant') : options.email,
      preferred_channel: options.preferredChannel ?? 'email',
      partner_id: options.partnerId ?? null,
      needs: options.needs ?? [],
      commune_insee: '26362',
      commune_name: 'Valence',
      postal_code: '26000',
    })
    .returning(['id', 'reference', 'first_name', 'last_name', 'email']);
  return row as { id: string; reference: string; first_name: string; last_name: string; email: string | null };
}
