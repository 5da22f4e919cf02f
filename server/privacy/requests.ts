import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { AppError, notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
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

/** The acting's day in the organisation's time zone. */
export async function organisationToday(acting: Acting): Promise<string> {
  return localDay(acting.now, (await acting.settings()).timeZone);
}

/**
 * Records a request of a person (access, rectification, erasure, objection) with its legal
 * deadline: one month after it was received (GDPR art. 12(3)). Audited without the note.
 */
export async function recordPrivacyRequest(deps: Deps, acting: Acting, input: RequestCreateBody) {
  const today = await organisationToday(acting);
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
      created_by: acting.actor.userId,
      now: acting.now,
    });
    await recordAudit(trx, acting, {
      action: 'privacy_request.recorded',
      recordType: 'privacy_request',
      recordId: id,
      data: { kind: input.kind, channel: input.channel, participantId: input.participantId ?? null },
    });
    return presentRequest((await getRequest(trx, id))!, today);
  });
}

/**
 * Closes a request inside the caller's transaction, on the acting's day. Repeating the same
 * outcome returns the request unchanged; another outcome on a closed request is a 409.
 */
export async function closeRequestIn(
  trx: Db,
  acting: Acting,
  input: { request: RequestRow; outcome: OutcomeCode; note: string | null },
) {
  const { request, outcome, note } = input;
  const today = await organisationToday(acting);
  if (request.status !== 'open') {
    if (request.outcome_code === outcome) return request;
    throw privacyError('request_already_closed');
  }
  await closeRequest(trx, request.id, {
    status: outcome.startsWith('refused') ? 'refused' : 'completed',
    outcome_code: outcome,
    outcome_note: note,
    completed_on: today,
    handled_by: acting.actor.userId,
    now: acting.now,
  });
  await recordAudit(trx, acting, {
    action: 'privacy_request.completed',
    recordType: 'privacy_request',
    recordId: request.id,
    reasonCode: outcome,
    data: { kind: request.kind, participantId: request.participant_id },
  });
  return (await getRequest(trx, request.id))!;
}

/** Records the outcome of request `id` (DPO). Erasure outcomes require the erasure to have been done. */
export async function completePrivacyRequest(deps: Deps, acting: Acting, input: { id: string } & RequestCompleteBody) {
  const { id } = input;
  const today = await organisationToday(acting);
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
    const closed = await closeRequestIn(trx, acting, {
      request,
      outcome: input.outcomeCode as OutcomeCode,
      note: input.outcomeNote?.trim() || null,
    });
    return presentRequest(closed, today);
  });
}
