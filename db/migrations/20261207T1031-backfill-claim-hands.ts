import type { Knex } from 'knex';

// Hands on the claims entered before claim_hands existed, from what was recorded then: who
// entered each claim (a settlement's author settled the advance into it), who added each
// receipt, and who edited, submitted or cancelled it (the audit log keeps the actor of each).
// Without them, a user who only submitted or edited an older claim could still decide it.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    INSERT INTO claim_hands (claim_id, user_id, action, occurred_at, backfilled)
    SELECT c.id, c.entered_by, CASE WHEN c.advance_of_claim_id IS NULL THEN 'created' ELSE 'advance_settled' END, c.created_at, true
      FROM claims c WHERE c.entered_by IS NOT NULL;

    INSERT INTO claim_hands (claim_id, user_id, action, occurred_at, backfilled)
    SELECT r.claim_id, r.created_by, 'receipt_added', r.created_at, true
      FROM claim_receipts r WHERE r.created_by IS NOT NULL;

    INSERT INTO claim_hands (claim_id, user_id, action, occurred_at, backfilled)
    SELECT c.id, a.actor_user_id,
           CASE a.action WHEN 'claim.updated' THEN 'edited' WHEN 'claim.submitted' THEN 'submitted' ELSE 'cancelled' END,
           a.occurred_at, true
      FROM audit_events a
      JOIN claims c ON c.id::text = a.record_id
      JOIN users u ON u.id = a.actor_user_id
     WHERE a.record_type = 'claim' AND a.action IN ('claim.updated', 'claim.submitted', 'claim.cancelled');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DELETE FROM claim_hands WHERE backfilled');
}
