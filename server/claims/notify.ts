import type { Acting } from '../shared/acting.js';
import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';
import { formatLocalRange } from '../shared/dates.js';
import { formatDate } from '../shared/format.js';
import { enqueueMessage } from '../notifications/index.js';
import type { Settings } from '../settings/index.js';
import { claimLines, claimSessionIds, sessionsByIds, type ClaimRow } from './repo.js';
import { channelFor, fullName, participantContact } from '../participants/index.js';
import { CONTEST_TEXT } from './contest.js';
import { LINE_KIND_LABELS, REASON_LABELS, type ReasonCode } from './schemas.js';

/** What the claim texts say (plain French): organisation, sessions, and each line asked and granted. */
export async function claimVars(db: Db, settings: Settings, claim: ClaimRow) {
  const sessions = await sessionsByIds(db, await claimSessionIds(db, claim.id));
  const lines = await claimLines(db, claim.id);
  const org = settings.address;
  const orgAddress = [org.line1, org.line2, `${org.postalCode} ${org.city}`.trim()].filter(Boolean).join(', ');
  return {
    orgName: settings.name,
    orgAddress,
    orgPhone: settings.phone,
    contest: CONTEST_TEXT(settings.name, orgAddress),
    reference: claim.reference,
    isAdvance: claim.is_advance,
    sessions: sessions.map((s) => ({
      title: s.title,
      when: formatLocalRange(s.starts_at, s.ends_at, settings.timeZone),
    })),
    lines: lines.map((l) => ({
      label: LINE_KIND_LABELS[l.kind as keyof typeof LINE_KIND_LABELS] ?? l.kind,
      date: formatDate(l.travel_date),
      explanation: l.explanation,
      askedCents: l.requested_cents,
      grantedCents: l.granted_cents ?? 0,
      reduced: l.granted_cents !== null && l.granted_cents < l.requested_cents,
      reason: l.reason_code ? REASON_LABELS[l.reason_code as ReasonCode] : null,
      reasonNote: l.reason_note,
    })),
    askedCents: claim.amount_requested_cents,
    grantedCents: claim.amount_granted_cents ?? 0,
    toPayCents: claim.amount_to_pay_cents ?? 0,
    toRecoverCents: claim.to_recover_cents,
    anyReduction: lines.some((l) => l.granted_cents !== null && l.granted_cents < l.requested_cents),
    decidedOn: claim.decided_at ? formatDate(claim.decided_at, settings.timeZone) : null,
  };
}

/** Queues one message about a claim to its participant, in the caller's transaction (legally required: sent even without a contact consent, by letter then). */
export async function notifyClaim(
  trx: Db,
  deps: Deps,
  acting: Acting,
  template: 'claim-received' | 'claim-decision',
  claim: ClaimRow,
  vars: Record<string, unknown>,
) {
  const p = (await participantContact(trx, claim.participant_id))!;
  const channel = channelFor(p);
  const name = fullName(p);
  return enqueueMessage(trx, deps, acting, {
    template,
    channel,
    to: { participantId: p.id, email: channel === 'email' ? p.email : null, name },
    vars: { ...vars, name },
    related: { type: 'claim', id: claim.id },
  });
}
