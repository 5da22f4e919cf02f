import type { Db } from '../../server/shared/db.js';
import { getSettings } from '../../server/settings/index.js';
import { MESSAGE_USES, isConsentBased, type MessageUseCode } from '../../server/privacy/index.js';

export const CONSENT_BASED_USES = (Object.keys(MESSAGE_USES) as MessageUseCode[]).filter(isConsentBased);

/**
 * Every consent-based message queued (any state but `withheld`) to a participant who had no
 * live `contact` consent on the day it was created (organisation time zone): given by then,
 * not withdrawn before that day, not expired. A withdrawal carries a day, not an instant, so a
 * message of the withdrawal day counts as sent before it; the gate itself refuses from the
 * moment the withdrawal is recorded (test/sessions/invitation-consent.test.ts). Read from the tables, not from the gate,
 * so a message written by any path — one that forgot the gate included — is judged.
 */
export async function consentBasedMessagesWithoutConsent(
  db: Db,
): Promise<{ id: string; template: string; use: string; participant_id: string }[]> {
  const { settings } = await getSettings(db);
  const rows = await db.raw(
    `SELECT m.id, m.template, m.use, m.participant_id
       FROM outbox_messages m
      WHERE m.participant_id IS NOT NULL
        AND m.status <> 'withheld'
        AND (m.use IS NULL OR m.use = ANY(?::text[]))
        AND NOT EXISTS (
          SELECT 1 FROM consents c
           WHERE c.participant_id = m.participant_id AND c.purpose_code = 'contact'
             AND c.given_on <= (m.created_at AT TIME ZONE ?)::date
             AND (c.withdrawn_on IS NULL OR c.withdrawn_on >= (m.created_at AT TIME ZONE ?)::date)
             AND (c.expires_on IS NULL OR c.expires_on > (m.created_at AT TIME ZONE ?)::date))`,
    [CONSENT_BASED_USES, settings.timeZone, settings.timeZone, settings.timeZone],
  );
  return rows.rows;
}
