import { randomBytes } from 'node:crypto';
import { ctx } from '../helpers/context.js';
import { uniqueEmail } from '../helpers/factories.js';

/** A unique tag to find this test's rows among the demo data. */
export function tag(): string {
  return `Zt${randomBytes(4).toString('hex')}`;
}

/** A valid creation body for POST /api/participants (reachable by e-mail). */
export function newPerson(overrides: Record<string, unknown> = {}) {
  return {
    firstName: 'Amina',
    lastName: `Test${tag()}`,
    email: uniqueEmail('p'),
    postalCode: '26000',
    communeInsee: '26362',
    ...overrides,
  };
}

/** A live consent inserted directly (the consents capability owns its API). */
export async function giveConsent(
  participantId: string,
  purpose: string,
  options: { givenOn?: string; expiresOn?: string | null; withdrawnOn?: string | null } = {},
) {
  const p = await ctx().deps.db('consent_purposes').where({ code: purpose }).first();
  const [row] = await ctx()
    .deps.db('consents')
    .insert({
      participant_id: participantId,
      purpose_code: purpose,
      legal_basis: p.legal_basis,
      text_version: p.text_version,
      channel: 'paper',
      given_on: options.givenOn ?? '2026-01-05',
      expires_on: options.expiresOn === undefined ? null : options.expiresOn,
      withdrawn_on: options.withdrawnOn ?? null,
    })
    .returning('id');
  return row.id as string;
}

export async function auditOf(recordId: string) {
  return ctx()
    .deps.db('audit_events')
    .where({ record_id: recordId })
    .orderBy('id')
    .select('action', 'reason_code', 'data', 'record_type');
}

export const fields = (r: { body: { error: { details: { field: string }[] } } }) =>
  r.body.error.details.map((d) => d.field);
