import type { DemoStep } from './load-demo.js';
import { createClaimIn } from '../claims/create-claim.js';
import { submitClaim } from '../claims/submit-claim.js';
import { decideClaim } from '../claims/decide-claim.js';
import { buildBatchIn } from '../payments/build-batch.js';
import { exportBatchIn } from '../payments/batch-lifecycle.js';
import { markPaidIn } from '../payments/mark-paid.js';
import { demoStaff } from './acting.js';

const STAFF = 'claire.martin@departement.example';
const FINANCE = 'sophie.lefevre@departement.example';
/** Return trips to the held sessions, in decikilometres (Romans ↔ Valence, Crest ↔ Valence, Tain ↔ Valence). */
const TRIPS = [400, 560, 360];

/**
 * Demo payment batches, through the use cases: one paid, one exported, one open. The demo
 * claims step keeps one claim per status (decided by finance, who may not batch them), so
 * this step enters its own mileage claims for people who attended a held session and have an
 * IBAN: entered by staff, decided by the project's lead, batched by finance. Does nothing
 * when the earlier steps left no such person.
 */
export const demoPayments: DemoStep = async (deps, staff) => {
  const clerk = staff[STAFF];
  const finance = staff[FINANCE];
  if (!clerk || !finance) return;
  const people: { participant_id: string; session_id: string; lead: string }[] = await deps
    .db('session_participants as sp')
    .join('sessions as s', 's.id', 'sp.session_id')
    .join('projects as pr', 'pr.id', 's.project_id')
    .join('payees as py', function () {
      this.on('py.participant_id', 'sp.participant_id').andOn(
        deps.db.raw('py.active AND py.iban_ciphertext IS NOT NULL'),
      );
    })
    .where({ 's.status': 'held', 'sp.status': 'attended' })
    .whereNotNull('pr.lead_user_id')
    .whereNot('pr.lead_user_id', finance)
    .whereNotExists(
      deps
        .db('claim_sessions as cs')
        .join('claims as c', 'c.id', 'cs.claim_id')
        .whereRaw('c.participant_id = sp.participant_id AND cs.session_id = sp.session_id'),
    )
    .distinctOn('sp.participant_id')
    .orderBy(['sp.participant_id', 's.starts_at'])
    .limit(TRIPS.length)
    .select('sp.participant_id', 'sp.session_id', 'pr.lead_user_id as lead');
  if (people.length === 0) return;
  const entering = () => demoStaff(deps, clerk, ['staff']);
  const claimIds: string[] = [];
  for (const [i, p] of people.entries()) {
    const creating = await entering();
    const id = await deps.db.transaction((trx) =>
      createClaimIn(trx, deps, creating, {
        participantId: p.participant_id,
        sessionIds: [p.session_id],
        lines: [{ kind: 'mileage', distanceDeciKm: TRIPS[i], fiscalPower: 'cv_5_or_less' }],
        submit: false,
      }),
    );
    await submitClaim(deps, await entering(), id);
    const lines: { id: string; eligible_cents: number }[] = await deps
      .db('claim_lines')
      .where({ claim_id: id })
      .orderBy('position')
      .select('id', 'eligible_cents');
    await decideClaim(deps, await demoStaff(deps, p.lead, ['project_lead']), {
      claimId: id,
      lines: lines.map((l) => ({ lineId: l.id, grantedCents: l.eligible_cents })),
    });
    claimIds.push(id);
  }
  const paying = await demoStaff(deps, finance, ['finance']);
  for (const [i, claimId] of claimIds.entries()) {
    await deps.db.transaction(async (trx) => {
      const { batchId } = await buildBatchIn(trx, deps, paying, { claimIds: [claimId] });
      if (i <= 1) await exportBatchIn(trx, deps, paying, batchId);
      if (i === 0) await markPaidIn(trx, deps, paying, { batchId });
    });
  }
};
