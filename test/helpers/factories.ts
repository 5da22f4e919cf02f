import { randomBytes } from 'node:crypto';
import type { Role } from '../../server/shared/authorize.js';
import { hashPassword } from '../../server/auth/index.js';
import { searchColumns } from '../../server/participants/index.js';
import { insertPartner } from '../../server/partners/repo.js';
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
  const [row] = await ctx()
    .deps.db('users')
    .insert({
      email,
      name: options.name ?? 'Agent Test',
      roles: options.roles ?? ['staff'],
      password_hash: await hash,
      active: options.active ?? true,
    })
    .returning(['id', 'email', 'name', 'roles']);
  return { ...row, password: TEST_PASSWORD } as {
    id: string;
    email: string;
    name: string;
    roles: Role[];
    password: string;
  };
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
  // Through the partners repo, as the app writes (it fills the search columns).
  const id = await insertPartner(ctx().deps.db, {
    name: options.name ?? `Association ${randomBytes(4).toString('hex')}`,
    kind: 'association',
    contact_name: 'Référente Test',
    email: uniqueEmail('partner'),
    commune_insee: '26362',
    commune_name: 'Valence',
  });
  return (await ctx().deps.db('partners').where({ id }).first('id', 'name')) as { id: string; name: string };
}

/**
 * Inserts a real participant (active, reachable by e-mail); returns id and reference. Like a
 * person just registered, they have no consent: pass `contactConsent: true` for someone who
 * agreed to be contacted (invitations need it — the outbox's consent gate refuses otherwise).
 */
export async function createParticipant(
  options: {
    firstName?: string;
    lastName?: string;
    email?: string | null;
    partnerId?: string | null;
    preferredChannel?: string;
    needs?: string[];
    contactConsent?: boolean;
  } = {},
) {
  const names = {
    first_name: options.firstName ?? 'Camille',
    last_name: options.lastName ?? `Test${randomBytes(3).toString('hex')}`,
    email: options.email === undefined ? uniqueEmail('participant') : options.email,
  };
  const [row] = await ctx()
    .deps.db('participants')
    .insert({
      ...names,
      ...searchColumns(names),
      preferred_channel: options.preferredChannel ?? 'email',
      partner_id: options.partnerId ?? null,
      needs: options.needs ?? [],
      commune_insee: '26362',
      commune_name: 'Valence',
      postal_code: '26000',
    })
    .returning(['id', 'reference', 'first_name', 'last_name', 'email']);
  if (options.contactConsent) await giveContactConsent(row.id);
  return row as { id: string; reference: string; first_name: string; last_name: string; email: string | null };
}

/**
 * Records a live `contact` consent (on paper, given on `givenOn`, by default long ago) as the
 * consents capability would: a real row, the purpose's current text version.
 */
export async function giveContactConsent(participantId: string, givenOn = '2024-01-02'): Promise<string> {
  const db = ctx().deps.db;
  const purpose = await db('consent_purposes').where({ code: 'contact' }).first('legal_basis', 'text_version');
  const [row] = await db('consents')
    .insert({
      participant_id: participantId,
      purpose_code: 'contact',
      legal_basis: purpose.legal_basis,
      text_version: purpose.text_version,
      channel: 'paper',
      given_on: givenOn,
    })
    .returning('id');
  return row.id as string;
}
