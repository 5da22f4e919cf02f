import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { Actor } from '../shared/authorize.js';
import { notFound, validationError } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { getSettings } from '../settings/index.js';
import type { ParticipantPatchBody } from './schemas.js';
import { applyInput, changedFields, checkParticipant, stateFromRow, toColumns } from './rules.js';
import { assertConsentsCover, assertPartnerUsable } from './checks.js';
import { getParticipant, lockParticipant, updateParticipantRow } from './repo.js';
import { liveConsentPurposes as livePurposes } from '../consents/index.js';
import { presentParticipant } from './presenter.js';
import { localDay } from '../shared/dates.js';
import { participantsError } from './errors.js';

/**
 * Changes an active participant's fields under the same rules as the creation; needs and
 * profile answers need their live consent. Sending what is already stored changes nothing.
 * Does not touch `last_contact_at`: only contacts from the person count (docs/domain.md#last-contact).
 */
export async function updateParticipant(
  deps: Deps,
  actor: AuditActor,
  reader: Actor | null,
  id: string,
  patch: ParticipantPatchBody,
) {
  const { settings } = await getSettings(deps.db);
  const today = localDay(deps.now(), settings.timeZone);
  return inTransaction(deps.db, async (trx) => {
    const row = await lockParticipant(trx, id);
    if (!row) throw notFound('Participant');
    if (row.merged_into_id)
      throw participantsError('participant_merged', [{ field: 'mergedIntoId', message: row.merged_into_id }]);
    if (row.status !== 'active') throw participantsError('participant_not_active');
    const before = stateFromRow(row);
    const { state, details } = checkParticipant(applyInput(before, patch), { today, chooseChannel: false });
    if (details.length) throw validationError(details);
    await assertPartnerUsable(trx, state.partnerId, before.partnerId);
    assertConsentsCover(before, state, await livePurposes(trx, id, today));
    const changed = changedFields(before, state);
    if (changed.length) {
      await updateParticipantRow(trx, id, { ...toColumns(state, changed), updated_at: deps.now() });
      await recordAudit(trx, actor, {
        action: 'participant.updated',
        recordType: 'participant',
        recordId: id,
        data: { fields: changed.filter((f) => f !== 'communeName') },
      });
    }
    return presentParticipant((await getParticipant(trx, id))!, reader);
  });
}
