import type { Knex } from 'knex';
import { validationError, type ErrorDetail } from '../shared/errors.js';
import { localToInstant } from '../shared/dates.js';
import type { Acting } from '../shared/acting.js';
import { staffUserId } from '../shared/acting.js';
import type { Deps } from '../shared/deps.js';
import { recordAudit } from '../audit/index.js';
import { ownIbanHash } from '../payees/index.js';
import { markInBatch } from '../claims/index.js';
import type { BatchCreateBody } from './schemas.js';
import { requireOverride } from '../shared/override.js';
import {
  claimsPayingIban,
  countSkipped,
  lockClaimsById,
  lockPayableClaims,
  PAYABLE,
  type PayableClaimRow,
} from './repo.js';
import { insertBatch, insertBatchClaims, insertPayment } from './lifecycle-repo.js';
import { paymentsError } from './errors.js';

const SEPA_ID_MAX = 35;

/** The end-to-end id of a payment: batch reference and first claim reference (+ how many more), so the bank statement leads back to the claims. */
export function endToEndId(batchReference: string, claimReferences: string[], position: number): string {
  const [first, ...rest] = [...claimReferences].sort();
  const id = `${batchReference}/${first}${rest.length ? `+${rest.length}` : ''}`;
  return id.length <= SEPA_ID_MAX ? id : `${batchReference}/P${position}`;
}

const named = (rows: PayableClaimRow[], message: string): ErrorDetail[] =>
  rows.map((c) => ({ field: `claim ${c.reference}`, message }));

/**
 * Explicit claims: each must exist, be payable, not decided by the actor (unless the setting
 * `deciderCannotBatch` is off: `actorId` null) and fit the batch kind; otherwise nothing is built.
 */
async function explicitClaims(
  trx: Knex.Transaction,
  actorId: string | null,
  ids: string[],
  kind: 'transfer' | 'cash',
): Promise<PayableClaimRow[]> {
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length)
    throw validationError([{ field: 'claimIds', message: 'une demande figure deux fois' }]);
  const rows = await lockClaimsById(trx, unique);
  const found = new Set(rows.map((r) => r.id));
  const unknown = ids.map((id, i) => ({ id, i })).filter((x) => !found.has(x.id));
  if (unknown.length)
    throw validationError(unknown.map((x) => ({ field: `claimIds.${x.i}`, message: 'demande inconnue' })));
  const notPayable = rows.filter((r) => !PAYABLE.includes(r.status) || !(Number(r.amount_to_pay_cents) > 0));
  if (notPayable.length)
    throw paymentsError(
      'claim_not_payable',
      { references: notPayable.map((r) => r.reference).join(', ') },
      named(notPayable, 'pas à payer (statut ou montant)'),
    );
  const mine = actorId ? rows.filter((r) => r.decided_by === actorId) : [];
  if (mine.length)
    throw paymentsError(
      'batch_decided_by_builder',
      { references: mine.map((r) => r.reference).join(', ') },
      named(mine, 'décidée par vous'),
    );
  if (kind === 'transfer') {
    const noIban = rows.filter((r) => !r.has_iban);
    if (noIban.length)
      throw paymentsError(
        'claims_payee_without_iban',
        { references: noIban.map((r) => r.reference).join(', ') },
        named(noIban, 'bénéficiaire sans IBAN'),
      );
  }
  return rows;
}

/**
 * Builds a payment batch: one payment per payee summing its claims, claims → `in_batch`.
 * Pays each claim at most once: explicit claims are locked and re-checked, filtered ones
 * are taken with SKIP LOCKED, and the partial unique index on batch_claims refuses a claim
 * already in a live batch whatever happens (two servers, retries). Runs in the caller's
 * transaction (the idempotency key commits with it). Separation of duties: unless the
 * setting `deciderCannotBatch` is off, claims the actor decided are refused (explicit) or left
 * out (filters, counted in `skipped.decidedByYou`). A transfer to the organisation's own account
 * (`options.ownIbanHash`, the keyed hash of the settings' debtor IBAN) answers 409
 * `own_iban_requires_override` naming the claims, unless `override.reason` is given: it is kept
 * on the batch and audited as a code.
 */
export async function buildBatchIn(
  trx: Knex.Transaction,
  deps: Deps,
  acting: Acting,
  input: BatchCreateBody,
): Promise<{ batchId: string; skipped?: Record<string, number> }> {
  const settings = await acting.settings();
  const { now } = acting;
  const userId = staffUserId(acting);
  const excluded = settings.deciderCannotBatch === false ? null : userId;
  const ownIban = ownIbanHash(deps.keyring, settings.debtor.iban);
  const kind = input.kind ?? 'transfer';
  const hasFilters = input.projectId || input.sessionId || input.decidedBefore || input.advancesOnly;
  if (input.claimIds && hasFilters)
    throw validationError([{ field: 'claimIds', message: 'choisissez des demandes ou des filtres, pas les deux' }]);
  let claims: PayableClaimRow[];
  let skipped: Record<string, number> | undefined;
  if (input.claimIds) claims = await explicitClaims(trx, excluded, input.claimIds, kind);
  else {
    const filters = {
      projectId: input.projectId,
      sessionId: input.sessionId,
      advancesOnly: input.advancesOnly,
      decidedBefore: input.decidedBefore ? localToInstant(input.decidedBefore, '00:00', settings.timeZone) : undefined,
      notDecidedBy: excluded,
      withIban: kind === 'transfer',
    };
    claims = await lockPayableClaims(trx, filters);
    skipped = await countSkipped(trx, filters);
  }
  if (claims.length === 0) throw paymentsError('no_claims_to_batch');
  const payingOwnIban = kind === 'transfer' && ownIban ? await claimsPayingIban(trx, claims, ownIban) : [];
  const ownIbanReason = payingOwnIban.length
    ? requireOverride(
        paymentsError(
          'own_iban_requires_override',
          { references: payingOwnIban.join(', ') },
          payingOwnIban.map((reference) => ({
            field: `claim ${reference}`,
            message: 'bénéficiaire avec l’IBAN de l’organisme',
          })),
        ),
        input.override,
        true,
      ).reason
    : null;

  const groups = new Map<string, PayableClaimRow[]>();
  for (const c of claims) {
    const key = c.payee_id ?? `participant:${c.participant_id}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const ordered = [...groups.values()]
    .map((g) => g.sort((a, b) => a.reference.localeCompare(b.reference)))
    .sort((a, b) => a[0].reference.localeCompare(b[0].reference));
  const total = claims.reduce((s, c) => s + Number(c.amount_to_pay_cents), 0);
  const batch = await insertBatch(trx, {
    kind,
    created_by: userId,
    total_cents: total,
    payment_count: ordered.length,
    own_iban_override_reason: ownIbanReason,
    created_at: now,
    updated_at: now,
  });
  for (const [i, group] of ordered.entries()) {
    const payment = await insertPayment(trx, {
      batch_id: batch.id,
      position: i + 1,
      participant_id: group[0].participant_id,
      payee_id: group[0].payee_id,
      amount_cents: group.reduce((s, c) => s + Number(c.amount_to_pay_cents), 0),
      end_to_end_id: endToEndId(
        batch.reference,
        group.map((c) => c.reference),
        i + 1,
      ),
      created_at: now,
    });
    try {
      await insertBatchClaims(
        trx,
        group.map((c) => ({
          batch_id: batch.id,
          claim_id: c.id,
          payment_id: payment.id,
          amount_cents: Number(c.amount_to_pay_cents),
        })),
      );
    } catch (e) {
      // The database's last word: a claim already in a live batch (never reached while the locks above hold).
      if ((e as { constraint?: string }).constraint === 'batch_claims_one_live_batch')
        throw paymentsError('claim_in_another_batch');
      throw e;
    }
  }
  await markInBatch(
    trx,
    claims.map((c) => c.id),
    now,
  );
  await recordAudit(trx, acting, {
    action: 'payment_batch.created',
    recordType: 'payment_batch',
    recordId: batch.id,
    reasonCode: ownIbanReason ? 'own_iban_override' : null,
    data: { kind, claimCount: claims.length, paymentCount: ordered.length, totalCents: total },
  });
  return { batchId: batch.id, skipped };
}
