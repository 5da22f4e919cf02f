import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { AppError, notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { hasAccountingRecords } from './accounting-repo.js';
import type { ErasureCounts } from './erasure.js';
import { anonymiseParticipants, archiveParticipants } from './lifecycle.js';
import { ERASURE_REASON_LABELS } from './labels.js';
import { getParticipantLifecycle, getRequest } from './repo.js';
import { closeRequestIn, organisationToday } from './requests.js';
import { presentRequest } from './presenter.js';
import { sweepProductFiles } from './product-files.js';
import type { EraseBody } from './schemas.js';

/**
 * Erases a person's data at once with the lifecycle's own machinery (docs/domain.md#erasure-and-withdrawal): a person
 * with no claim approved, in a batch or paid is anonymised (their draft and submitted claims
 * are cancelled, reason "effacement"); a person with such a claim is archived (GDPR art.
 * 17(3)(b)): what is owed is still paid, only what accounting needs stays, in the restricted
 * archive. Once committed, the files the product wrote about them (mail folder) are deleted;
 * a crash before that leaves them to the next retention run's sweep.
 * The reason goes on the request (closed here, when `requestId` names one) and in the audit
 * event as a code. Repeating the erasure changes nothing and answers the same state.
 */
export async function eraseParticipant(deps: Deps, acting: Acting, input: { participantId: string } & EraseBody) {
  const { participantId } = input;
  const today = await organisationToday(acting);
  const result = await inTransaction(deps.db, async (trx) => {
    const person = await getParticipantLifecycle(trx, participantId, true);
    if (!person) throw notFound('Personne');
    const request = input.requestId ? await getRequest(trx, input.requestId, true) : undefined;
    if (input.requestId) {
      if (!request || request.participant_id !== participantId) {
        throw new AppError('validation_failed', undefined, [
          { field: 'requestId', message: 'cette demande ne concerne pas cette personne' },
        ]);
      }
      if (!['erasure', 'objection'].includes(request.kind)) {
        throw new AppError('validation_failed', undefined, [
          { field: 'requestId', message: 'doit être une demande d’effacement ou d’opposition' },
        ]);
      }
    }
    const { now } = acting;
    const keepForAccounting = await hasAccountingRecords(trx, participantId);
    let outcome: 'anonymised' | 'archived' = 'anonymised';
    let erased: ErasureCounts = {};
    if (person.status !== 'anonymised') {
      if (keepForAccounting) {
        outcome = 'archived';
        if (person.status === 'active') erased = await archiveParticipants(trx, [participantId], now);
      } else erased = await anonymiseParticipants(trx, acting, [participantId]);
    }
    if (person.status !== outcome) {
      await recordAudit(trx, acting, {
        action: 'participant.erased',
        recordType: 'participant',
        recordId: participantId,
        reasonCode: input.reasonCode,
        data: { outcome, requestId: request?.id ?? null, erased },
      });
    }
    const closed = request
      ? await closeRequestIn(trx, acting, {
          request,
          outcome: outcome === 'anonymised' ? 'anonymised' : 'archived_legal_retention',
          note: `Motif : ${ERASURE_REASON_LABELS[input.reasonCode]}.`,
        })
      : null;
    return {
      participantId,
      reference: person.reference,
      status: outcome,
      outcome,
      erased,
      request: closed ? presentRequest(closed, today) : null,
    };
  });
  return { ...result, files: await sweepProductFiles(deps, { participantIds: [participantId] }) };
}
