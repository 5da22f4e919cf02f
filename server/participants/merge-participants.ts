import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { notFound, validationError } from '../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import { getParticipant, lockParticipant, repointMergedInto, setLastContact, setMergedInto } from './repo.js';
import { presentParticipant } from './presenter.js';
import { moveSessionParticipants } from '../sessions/index.js';
import { moveMessages } from '../notifications/index.js';
import { moveClaims } from '../claims/index.js';
import { movePayments } from '../payments/index.js';
import { moveConsents } from '../consents/index.js';
import { movePayees } from '../payees/index.js';
import { movePrivacyRequests } from '../privacy/index.js';
import { participantsError } from './errors.js';

/**
 * Merges two records of one person: `input.keptId` stays; the source's (`input.sourceId`) consents,
 * payees and privacy requests move to it; the source points to it (`merged_into_id`) and disappears from lists,
 * and records merged earlier into the source follow. Both must be active and live. Audited
 * with both ids.
 */
export async function mergeParticipants(deps: Deps, acting: Acting, input: { keptId: string; sourceId: string }) {
  const { keptId, sourceId } = input;
  const reader = acting.actor;
  if (keptId === sourceId)
    throw validationError([{ field: 'sourceId', message: 'doit désigner une autre fiche que celle conservée' }]);
  return inTransaction(deps.db, async (trx) => {
    // Lock in id order so that two opposite merges cannot deadlock.
    const [first, second] = [keptId, sourceId].sort();
    const locked = new Map([
      [first, await lockParticipant(trx, first)],
      [second, await lockParticipant(trx, second)],
    ]);
    const kept = locked.get(keptId);
    const source = locked.get(sourceId);
    if (!kept) throw notFound('Participant');
    if (!source) throw validationError([{ field: 'sourceId', message: 'fiche introuvable' }]);
    if (source.merged_into_id === keptId && !kept.merged_into_id) {
      // Merging again what is already merged here: the same answer, nothing moves.
      return {
        kept: presentParticipant((await getParticipant(trx, keptId))!, reader),
        sourceId,
        moved: { consents: 0, payees: 0, privacyRequests: 0 },
      };
    }
    for (const [row, field] of [
      [kept, 'id'],
      [source, 'sourceId'],
    ] as const) {
      if (row.merged_into_id)
        throw participantsError('merge_source_merged', [{ field, message: 'fiche déjà fusionnée' }]);
      if (row.status !== 'active')
        throw participantsError('merge_source_not_active', [{ field, message: 'fiche archivée ou anonymisée' }]);
    }
    const consents = await moveConsents(trx, sourceId, keptId);
    const payees = await movePayees(trx, sourceId, keptId);
    const privacyRequests = await movePrivacyRequests(trx, sourceId, keptId);
    const sessions = await moveSessionParticipants(trx, sourceId, keptId, acting.now);
    const messages = await moveMessages(trx, sourceId, keptId);
    const claims = await moveClaims(trx, sourceId, keptId);
    await movePayments(trx, sourceId, keptId);
    const { now } = acting;
    await repointMergedInto(trx, sourceId, keptId, now);
    await setMergedInto(trx, sourceId, keptId, now);
    // The person's last contact is the latest of both records'.
    await setLastContact(
      trx,
      keptId,
      source.last_contact_at > kept.last_contact_at ? source.last_contact_at : kept.last_contact_at,
      now,
    );
    const moved = { consents, payees, privacyRequests };
    await recordAudit(trx, acting, {
      action: 'participant.merged',
      recordType: 'participant',
      recordId: keptId,
      data: { keptId, sourceId, moved: { ...moved, sessions, messages, claims } },
    });
    return { kept: presentParticipant((await getParticipant(trx, keptId))!, reader), sourceId, moved };
  });
}
