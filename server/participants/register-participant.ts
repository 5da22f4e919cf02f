import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { validationError } from '../shared/errors.js';
import { requireOverride } from '../shared/override.js';
import { recordAudit } from '../audit/index.js';
import type { ParticipantCreateBody } from './schemas.js';
import { applyInput, checkParticipant, COLUMN_OF, EMPTY_STATE, toColumns, type ParticipantState } from './rules.js';
import { assertConsentsCover, assertPartnerUsable, duplicateDetails } from './checks.js';
import { findDuplicates, getParticipant, insertParticipant } from './repo.js';
import { presentParticipant } from './presenter.js';
import { canWrite } from './policy.js';
import { localDay } from '../shared/dates.js';
import { participantsError } from './errors.js';

export const DUPLICATE_CODE = 'participant_duplicate_requires_override';

/** Field names that hold a value (for the audit log: names only, never values). */
export function filledFields(s: ParticipantState): string[] {
  return (Object.keys(COLUMN_OF) as (keyof ParticipantState)[]).filter(
    (f) =>
      f !== 'communeName' && (Array.isArray(s[f]) ? (s[f] as unknown[]).length > 0 : s[f] !== null && s[f] !== false),
  );
}

/**
 * Registers a participant. Refuses (400) what breaks the rules in rules.ts, (409
 * `consent_required`) needs or profile answers without their consent — there is none before
 * the record exists — and (409 `participant_duplicate_requires_override`) a likely duplicate,
 * unless the request repeats with `override.reason`: then the record is created and the
 * override audited. Never merges on its own. The creation counts as a contact.
 */
export async function registerParticipant(deps: Deps, acting: Acting, input: ParticipantCreateBody) {
  const reader = acting.actor;
  const settings = await acting.settings();
  const today = localDay(acting.now, settings.timeZone);
  const { state, details } = checkParticipant(applyInput(EMPTY_STATE, input), {
    today,
    chooseChannel: !input.preferredChannel,
  });
  if (details.length) throw validationError(details);
  return inTransaction(deps.db, async (trx) => {
    await assertPartnerUsable(trx, state.partnerId, null);
    assertConsentsCover(EMPTY_STATE, state, new Set());
    const duplicates = await findDuplicates(trx, state);
    if (duplicates.length) {
      requireOverride(
        participantsError('participant_duplicate_requires_override', duplicateDetails(duplicates)),
        input.override,
        canWrite(reader),
      );
    }
    const { now } = acting;
    const { id } = await insertParticipant(trx, {
      ...toColumns(state),
      last_contact_at: now,
      created_at: now,
      updated_at: now,
      created_by: acting.actor.userId,
    });
    await recordAudit(trx, acting, {
      action: 'participant.created',
      recordType: 'participant',
      recordId: id,
      reasonCode: duplicates.length ? 'duplicate_override' : null,
      data: {
        fields: filledFields(state),
        ...(duplicates.length ? { duplicateIds: duplicates.map((d) => d.id) } : {}),
      },
    });
    return presentParticipant((await getParticipant(trx, id))!, reader);
  });
}
