import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { AppError, notFound } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { getSettings } from '../settings/index.js';
import { addMonths, localDay } from '../shared/dates.js';

/**
 * The legal one-month deadline of a request (GDPR art. 12(3)): the same day of the next
 * month, or that month's last day when it has no such day (31 January → 28 or 29 February).
 */
export const addOneMonth = (day: string): string => addMonths(day, 1);
import type { OutcomeCode, RequestCompleteBody, RequestCreateBody } from './schemas.js';
import { closeRequest, getParticipantLifecycle, getRequest, insertRequest, type RequestRow } from './repo.js';
import { presentRequest } from './presenter.js';
import { privacyError } from './errors.js';

/** Outcomes that only the erasure action produces; completing a request with them checks the person's state. */
const ERASURE_OUTCOMES: Record<string, 'anonymised' | 'archived'> = {
  anonymised: 'anonymised',
  archived_legal_retention: 'archived',
};

export async function organisationToday(db: Db, now: Date): Promise<string> {
  const { settings } = await getSettings(db);
  return localDay(now, settings.timeZone);
}

/**
 * Records a request of a person (access, rectification, erasure, objection) with its legal
 * deadline: one month after it was received (GDPR art. 12(3)). Audited without the note.
 */
export async function recordPrivacyRequest(deps: Deps, actor: AuditActor, input: RequestCreateBody) {
  const today = await organisationToday(deps.db, deps.now());
  if (input.receivedOn > today)
    throw new AppError('validation_failed', undefined, [
      { field: 'receivedOn', message: 'ne peut pas être une date future' },
    ]);
  return inTransaction(deps.db, async (trx) => {
    if (input.participantId && !(await getParticipantLifecycle(trx, input.participantId))) {
      throw new AppError('validation_failed', undefined, [
        { field: 'participantId', message: 'aucune personne ne porte cet identifiant' },
      ]);
    }
    const note = input.note?.trim() || null;
    const id = await insertRequest(trx, {
      participant_id: input.participantId ?? null,
      kind: input.kind,
      received_on: input.receivedOn,
      channel: input.channel,
      requester_note: note,
      due_on: addOneMonth(input.receivedOn),
      created_by: actor.userId,
      now: deps.now(),
    });
    await recordAudit(trx, actor, {
      action: 'privacy_request.recorded',
      recordType: 'privacy_request',
      recordId: id,
      data: { kind: input.kind, channel: input.channel, participantId: input.participantId ?? null },
    });
    return presentRequest((await getRequest(trx, id))!, today);
  });
}

/**
 * Closes a request inside the caller's transaction. Repeating the same outcome returns the
 * request unchanged; another outcome on a closed request is a 409.
 */
export async function closeRequestIn(
  trx: Db,
  actor: AuditActor,
  request: RequestRow,
  outcome: OutcomeCode,
  note: string | null,
  today: string,
  now: Date,
) {
  if (request.status !== 'open') {
    if (request.outcome_code === outcome) return request;
    throw privacyError('request_already_closed');
  }
  await closeRequest(trx, request.id, {
    status: outcome.startsWith('refused') ? 'refused' : 'completed',
    outcome_code: outcome,
    outcome_note: note,
    completed_on: today,
    handled_by: actor.userId,
    now,
  });
  await recordAudit(trx, actor, {
    action: 'privacy_request.completed',
    recordType: 'privacy_request',
    recordId: request.id,
    reasonCode: outcome,
    data: { kind: request.kind, participantId: request.participant_id },
  });
  return (await getRequest(trx, request.id))!;
}

/** Records the outcome of a request (DPO). Erasure outcomes require the erasure to have been done. */
export async function completePrivacyRequest(deps: Deps, actor: AuditActor, id: string, input: RequestCompleteBody) {
  const today = await organisationToday(deps.db, deps.now());
  return inTransaction(deps.db, async (trx) => {
    const request = await getRequest(trx, id, true);
    if (!request) throw notFound('Demande');
    const needed = ERASURE_OUTCOMES[input.outcomeCode];
    if (needed && request.status === 'open') {
      const person = request.participant_id ? await getParticipantLifecycle(trx, request.participant_id) : undefined;
      if (!person || (needed === 'anonymised' ? person.status !== 'anonymised' : person.status === 'active')) {
        throw privacyError('erasure_not_done');
      }
    }
    const closed = await closeRequestIn(
      trx,
      actor,
      request,
      input.outcomeCode as OutcomeCode,
      input.outcomeNote?.trim() || null,
      today,
      deps.now(),
    );
    return presentRequest(closed, today);
  });
}

/** Merging two records of one person: the source's privacy requests move to the kept record. Returns how many moved. */
export async function movePrivacyRequests(trx: Db, sourceId: string, keptId: string): Promise<number> {
  return trx('privacy_requests').where({ participant_id: sourceId }).update({ participant_id: keptId });
}
