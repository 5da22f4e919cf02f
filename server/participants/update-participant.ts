import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { notFound, validationError } from '../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import type { ParticipantPatchBody } from './schemas.js';
import { applyInput, changedFields, checkParticipant, stateFromRow, toColumns } from './rules.js';
import { assertConsentsCover, assertPartnerUsable } from './checks.js';
import { getParticipant, lockParticipant, updateParticipantRow } from './repo.js';
import { liveConsentPurposes as livePurposes } from '../consents/index.js';
import { presentParticipant } from './presenter.js';
import { localDay } from '../shared/dates.js';
import { participantsError } from './errors.js';

/**
 * Changes an active participant's fields (`input.patch` on participant `input.id`) under the same rules as the creation; needs and
 * profile answers need their live consent. Sending what is already stored changes nothing.
 * Does not touch `last_contact_at`: only contacts from the person count (docs/domain.md#last-contact).
 */
export async function updateParticipant(
  deps: Deps,
  acting: Acting,
  input: { id: string; patch: ParticipantPatchBody },
) {
  const { id, patch } = input;
  const settings = await acting.settings();
  const today = localDay(acting.now, settings.timeZone);
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
      await updateParticipantRow(trx, id, { ...toColumns(state, changed), updated_at: acting.now });
      await recordAudit(trx, acting, {
        action: 'participant.updated',
        recordType: 'participant',
        recordId: id,
        data: { fields: changed.filter((f) => f !== 'communeName') },
      });
    }
    return presentParticipant((await getParticipant(trx, id))!, acting.actor);
  });
}
