import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { notFound, validationError } from '../shared/errors.js';
import { requireOverride } from '../shared/override.js';
import { toLocal } from '../shared/dates.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { ClaimCreateBody, ClaimPatchBody } from './schemas.js';
import {
  attendanceOf,
  claimReceipts,
  claimSessionIds,
  defaultPayeeId,
  deleteLines,
  getClaim,
  insertClaim,
  insertClaimSessions,
  insertLines,
  payeeOfParticipant,
  recordHand,
  sessionsByIds,
  touchClaim,
  type ClaimSessionRow,
} from './repo.js';
import { participantContact } from '../participants/index.js';
import { lineRows, recomputeClaim } from './compute.js';
import { OVERRIDE_ATTENDANCE_ROLES } from './policy.js';
import { hasRole } from './rules.js';
import { submitClaimIn } from './submit-claim.js';
import { claimsError } from './errors.js';

/** What `updateDraft` changes: the draft and the patch (its keys, `version` aside, are audited). */
export interface UpdateDraftInput {
  claimId: string;
  patch: ClaimPatchBody;
}

interface Times {
  departureAt?: string;
  returnAt?: string;
}

/** Departure and return: as given, else the first session's start and the last one's end. */
export function claimTimes(
  sessions: ClaimSessionRow[],
  given: Times,
  current?: { departure_at: Date; return_at: Date },
) {
  const departure = given.departureAt ? new Date(given.departureAt) : (current?.departure_at ?? sessions[0].starts_at);
  const ret = given.returnAt
    ? new Date(given.returnAt)
    : (current?.return_at ?? sessions.reduce((m, s) => (s.ends_at > m ? s.ends_at : m), sessions[0].ends_at));
  if (ret.getTime() <= departure.getTime())
    throw validationError([{ field: 'returnAt', message: 'le retour doit suivre le départ' }]);
  return { departure, ret };
}

async function checkSessions(trx: Db, ids: string[]): Promise<ClaimSessionRow[]> {
  const sessions = await sessionsByIds(trx, ids);
  const unknown = ids.map((id, i) => ({ id, i })).filter(({ id }) => !sessions.some((s) => s.id === id));
  if (unknown.length)
    throw validationError(unknown.map(({ i }) => ({ field: `sessionIds.${i}`, message: 'session inconnue' })));
  if (new Set(sessions.map((s) => s.project_id)).size > 1)
    throw validationError([{ field: 'sessionIds', message: 'les sessions doivent appartenir au même projet' }]);
  if (sessions.some((s) => s.status === 'cancelled')) throw claimsError('claim_session_cancelled');
  return sessions;
}

/**
 * Creates a claim (a draft, or submitted at once for a paper form) in the caller's
 * transaction: each line computed with the policy in force on its travel date. A claim for a
 * session the person did not attend answers 409 `attendance_requires_override` unless an
 * override reason is given; an advance is entered before the session instead, and a claim for
 * a session that has not started is refused (409 `session_not_started`).
 */
export async function createClaimIn(trx: Db, deps: Deps, acting: Acting, input: ClaimCreateBody) {
  const settings = await acting.settings();
  const { actor } = acting;
  const person = await participantContact(trx, input.participantId);
  if (!person || person.status !== 'active' || person.merged_into_id)
    throw validationError([{ field: 'participantId', message: 'participant inconnu ou inactif' }]);
  const sessions = await checkSessions(trx, input.sessionIds);
  const { now } = acting;
  const flags: string[] = [];
  let overrideReason: string | null = null;
  if (input.isAdvance) {
    if (sessions.some((s) => s.starts_at <= now)) throw claimsError('advance_after_session');
  } else {
    // Attendance is the evidence of a claim and is recorded once the session has started; before, only an advance.
    const early = sessions.filter((s) => s.starts_at > now);
    if (early.length) {
      throw claimsError(
        'claim_session_not_started',
        early.map((s) => ({
          field: `sessionIds.${input.sessionIds.indexOf(s.id)}`,
          message: 'session pas encore commencée',
        })),
      );
    }
    const attendance = await attendanceOf(trx, input.participantId, input.sessionIds);
    const missing = sessions.filter((s) => attendance.get(s.id) !== 'attended');
    if (missing.length) {
      const o = requireOverride(
        claimsError(
          'attendance_requires_override',
          missing.map((s) => ({
            field: `sessionIds.${input.sessionIds.indexOf(s.id)}`,
            message: 'présence non enregistrée',
          })),
        ),
        input.override,
        hasRole(actor.roles, OVERRIDE_ATTENDANCE_ROLES),
      );
      overrideReason = o.reason;
      flags.push('attendance_override');
    }
  }
  let payeeId = input.payeeId ?? null;
  if (payeeId && !(await payeeOfParticipant(trx, payeeId, input.participantId)))
    throw validationError([{ field: 'payeeId', message: 'bénéficiaire inconnu, inactif ou d’une autre personne' }]);
  payeeId ??= await defaultPayeeId(trx, input.participantId);
  const { departure, ret } = claimTimes(sessions, input);
  const claimId = await insertClaim(trx, {
    participant_id: input.participantId,
    payee_id: payeeId,
    project_id: sessions[0].project_id,
    is_advance: input.isAdvance ?? false,
    departure_at: departure,
    return_at: ret,
    entered_by: actor.userId,
    flags,
    override_reason: overrideReason,
    created_at: now,
    updated_at: now,
  });
  await recordHand(trx, claimId, actor.userId, 'created', now);
  await insertClaimSessions(
    trx,
    claimId,
    sessions.map((s) => s.id),
  );
  await insertLines(
    trx,
    lineRows(claimId, input.lines, toLocal(sessions[0].starts_at, settings.timeZone).date, new Set()),
  );
  await recomputeClaim(trx, acting, claimId);
  await recordAudit(trx, acting, {
    action: 'claim.created',
    recordType: 'claim',
    recordId: claimId,
    reasonCode: overrideReason ? 'attendance_override' : null,
    data: { lines: input.lines.length, sessions: sessions.length, advance: input.isAdvance ?? false },
  });
  if (input.submit) await submitClaimIn(trx, deps, acting, claimId);
  return claimId;
}

/** Changes a draft (`claimId`) as `patch` says: payee, times, lines (replaced as a whole). A stale `version` is a 409. */
export async function updateDraft(deps: Deps, acting: Acting, { claimId, patch: input }: UpdateDraftInput) {
  const settings = await acting.settings();
  const { now } = acting;
  return inTransaction(deps.db, async (trx) => {
    const claim = await getClaim(trx, claimId, true);
    if (!claim) throw notFound('Demande');
    if (claim.status !== 'draft') throw claimsError('claim_not_draft');
    if (input.version !== undefined && input.version !== claim.version) throw claimsError('claim_changed');
    if (input.payeeId && !(await payeeOfParticipant(trx, input.payeeId, claim.participant_id)))
      throw validationError([{ field: 'payeeId', message: 'bénéficiaire inconnu, inactif ou d’une autre personne' }]);
    const sessions = await sessionsByIds(trx, await claimSessionIds(trx, claimId));
    const { departure, ret } = claimTimes(sessions, input, claim);
    await touchClaim(
      trx,
      claimId,
      { payee_id: input.payeeId ?? claim.payee_id, departure_at: departure, return_at: ret },
      now,
    );
    await recordHand(trx, claimId, acting.actor.userId, 'edited', now);
    if (input.lines) {
      const receipts = new Set((await claimReceipts(trx, claimId)).map((r) => r.id));
      await deleteLines(trx, claimId);
      await insertLines(
        trx,
        lineRows(claimId, input.lines, toLocal(sessions[0].starts_at, settings.timeZone).date, receipts),
      );
    }
    await recomputeClaim(trx, acting, claimId);
    await recordAudit(trx, acting, {
      action: 'claim.updated',
      recordType: 'claim',
      recordId: claimId,
      data: { fields: Object.keys(input).filter((k) => k !== 'version') },
    });
    return claimId;
  });
}
