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
