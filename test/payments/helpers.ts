import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { attendedSession, MILEAGE } from '../claims/helpers.js';
import { freshIban } from '../payees/ibans.js';

export type PaySetup = Awaited<ReturnType<typeof payingSetup>>;

/** A held session of a project led by a lead who decides, staff who enter claims, and a finance officer who batches. */
export async function payingSetup() {
  const base = await attendedSession();
  return { ...base, finance: await signedIn('finance') };
}

/** A participant who attended the setup's session, with a payee (IBAN unless `iban: false`). */
export async function attendee(
  s: PaySetup,
  options: { firstName?: string; lastName?: string; iban?: boolean | string; bic?: string } = {},
) {
  const person = await createParticipant({ firstName: options.firstName, lastName: options.lastName });
  await ctx()
    .deps.db('session_participants')
    .insert({ session_id: s.sessionId, participant_id: person.id, status: 'attended', walk_in: true });
  const iban = options.iban === false ? undefined : typeof options.iban === 'string' ? options.iban : freshIban();
  const payee = await s.staff.post(`/api/participants/${person.id}/payees`, {
    ...(iban ? { iban } : {}),
    ...(options.bic ? { bic: options.bic } : {}),
  });
  expect(payee.status, payee.text).to.equal(201);
  return { ...person, iban: iban ?? null, payeeId: payee.body.payee?.id ?? payee.body.id };
}

/** A claim entered by staff, submitted, and approved in full by the project lead (mileage only: no receipt needed). */
export async function approvedClaim(s: PaySetup, participantId: string, lines: unknown[] = [MILEAGE]) {
  const c = await s.staff.post('/api/claims', { participantId, sessionIds: [s.sessionId], lines, submit: true });
  expect(c.status, c.text).to.equal(201);
  const d = await s.lead.post(`/api/claims/${c.body.id}/decision`, {
    lines: c.body.lines.map((l: { id: string; eligibleCents: number }) => ({
      lineId: l.id,
      grantedCents: l.eligibleCents,
    })),
  });
  expect(d.status, d.text).to.equal(200);
  return {
    id: c.body.id as string,
    reference: c.body.reference as string,
    amountCents: d.body.amountToPayCents as number,
  };
}

export const mileage = (distanceDeciKm: number) => ({ ...MILEAGE, distanceDeciKm });

/** Raw bytes of a download (the test client reads text). */
export async function download(
  client: { cookies: Map<string, string> },
  path: string,
): Promise<{ status: number; type: string; bytes: Buffer }> {
  const res = await fetch(`${ctx().baseUrl}${path}`, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

/** Builds and exports a batch of the given claims; returns the exported batch. */
export async function exportedBatch(s: PaySetup, claimIds: string[], kind: 'transfer' | 'cash' = 'transfer') {
  const b = await s.finance.post('/api/payment-batches', { claimIds, kind });
  expect(b.status, b.text).to.equal(201);
  const e = await s.finance.post(`/api/payment-batches/${b.body.id}/export`, {});
  expect(e.status, e.text).to.equal(200);
  return e.body;
}
