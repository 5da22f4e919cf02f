import type { Db } from '../shared/db.js';
import { cancelClaimsOnErasure } from '../claims/index.js';
import { markAnonymised, markArchived } from '../participants/index.js';
import type { Acting } from '../shared/acting.js';
import { participantsWithAccountingRecords } from './accounting-repo.js';
import { dueParticipantsAfter, firstPayableClaim, lockDueParticipants } from './lifecycle-repo.js';
import { addCounts, applyErasures, countErasures, type ErasureCounts, type Step } from './erasure.js';

/**
 * The personal-data lifecycle of participants: active → archived → anonymised (docs/domain.md#personal-data-lifecycle).
 * - last contact: participants.last_contact_at (bumped by attendance, claims, replies…) or the
 *   latest consent given or withdrawn, whichever is later;
 * - due for the first step when last contact + activeYears < now: people with accounting
 *   records are archived, the others anonymised at once (nothing to archive);
 * - archived people are anonymised when (last payment, or the archiving date when there is
 *   no payment) + archiveYears < now.
 */
export interface RetentionPolicy {
  activeYears: number;
  archiveYears: number;
  timeZone: string;
}

/** `phase` names which participants a batch takes: active ones (first step) or archived ones (second). */
export type Phase = 'active' | 'archived';

export interface BatchResult {
  ids: string[];
  participants: Record<Step, number>;
  erased: Record<Step, ErasureCounts>;
}

/** Moves participants to `archived` and erases what accounting does not need. The caller holds their row locks. */
export async function archiveParticipants(trx: Db, ids: string[], now: Date): Promise<ErasureCounts> {
  if (ids.length === 0) return {};
  await markArchived(trx, ids, now);
  return applyErasures(trx, ids, 'archive', now);
}

/**
 * Moves participants to `anonymised` and erases everything that identifies them; the
 * reference and status remain. Every path to anonymisation (erasure, retention) goes through
 * here, so here: their draft and submitted claims are cancelled, reason "effacement"
 * (docs/domain.md#erasure-and-withdrawal), and an anonymised person never has a claim still to pay — a caller that
 * passes someone with a claim approved or in a batch is a bug (they must be archived).
 * At the acting's clock, audited as the acting.
 */
export async function anonymiseParticipants(trx: Db, acting: Acting, ids: string[]): Promise<ErasureCounts> {
  if (ids.length === 0) return {};
  const { now } = acting;
  const payable = await firstPayableClaim(trx, ids);
  if (payable) throw new Error('anonymisation refused: a claim is still to be paid (the person must be archived)');
  await cancelClaimsOnErasure(trx, acting, ids);
  // Status first: the table only requires names of active people.
  await markAnonymised(trx, ids, now);
  return applyErasures(trx, ids, 'anonymise', now);
}

async function split(trx: Db, phase: Phase, ids: string[]) {
  if (phase === 'archived') return { archive: [], anonymise: ids };
  const keep = await participantsWithAccountingRecords(trx, ids);
  return { archive: ids.filter((id) => keep.has(id)), anonymise: ids.filter((id) => !keep.has(id)) };
}

/**
 * Takes up to `limit` due participants of the phase at the acting's clock under row locks,
 * skipping those another runner holds (two runners never process one person), and applies their step.
 */
export async function applyDueBatch(
  trx: Db,
  acting: Acting,
  input: { phase: Phase; policy: RetentionPolicy; limit: number },
): Promise<BatchResult> {
  const { phase, policy, limit } = input;
  const { now } = acting;
  const ids = await lockDueParticipants(trx, phase, policy, now, limit);
  const steps = await split(trx, phase, ids);
  return {
    ids,
    participants: { archive: steps.archive.length, anonymise: steps.anonymise.length },
    erased: {
      archive: await archiveParticipants(trx, steps.archive, now),
      anonymise: await anonymiseParticipants(trx, acting, steps.anonymise),
    },
  };
}

/** Like `applyDueBatch` but changes nothing: the next `limit` due participants after `afterId`, and what their step would erase. */
export async function previewDueBatch(
  db: Db,
  phase: Phase,
  policy: RetentionPolicy,
  now: Date,
  limit: number,
  afterId: string | null,
): Promise<BatchResult> {
  const ids = await dueParticipantsAfter(db, phase, policy, now, limit, afterId);
  const steps = await split(db, phase, ids);
  return {
    ids,
    participants: { archive: steps.archive.length, anonymise: steps.anonymise.length },
    erased: {
      archive: await countErasures(db, steps.archive, 'archive'),
      anonymise: await countErasures(db, steps.anonymise, 'anonymise'),
    },
  };
}

export function emptyBatchTotals(): Omit<BatchResult, 'ids'> {
  return { participants: { archive: 0, anonymise: 0 }, erased: { archive: {}, anonymise: {} } };
}

export function addBatch(total: Omit<BatchResult, 'ids'>, batch: BatchResult): void {
  total.participants.archive += batch.participants.archive;
  total.participants.anonymise += batch.participants.anonymise;
  addCounts(total.erased.archive, batch.erased.archive);
  addCounts(total.erased.anonymise, batch.erased.anonymise);
}
