import type { ConsentRow, PurposeRow } from './repo.js';
import type { ConsentStatus, ConsentView, PurposeView } from './schemas.js';

/** Withdrawn and superseded are events; expired is read from the date, as seen on `today`. */
export function statusOf(
  c: Pick<ConsentRow, 'withdrawn_on' | 'superseded_by' | 'expires_on'>,
  today: string,
): ConsentStatus {
  if (c.withdrawn_on) return 'withdrawn';
  if (c.superseded_by) return 'superseded';
  if (c.expires_on && c.expires_on <= today) return 'expired';
  return 'live';
}

/** A consent as the API shows it: ids, codes and dates; the evidence file only as a flag. */
export function presentConsent(c: ConsentRow, today: string): ConsentView {
  return {
    id: c.id,
    participantId: c.participant_id,
    purposeCode: c.purpose_code,
    purposeLabel: c.purpose_label,
    legalBasis: c.legal_basis,
    textVersion: c.text_version,
    channel: c.channel,
    witnessUserId: c.witness_user_id,
    witnessName: c.witness_name,
    givenOn: c.given_on,
    expiresOn: c.expires_on,
    status: statusOf(c, today),
    withdrawnOn: c.withdrawn_on,
    withdrawalChannel: c.withdrawal_channel,
    supersededBy: c.superseded_by,
    hasEvidence: !!c.has_evidence,
    createdAt: c.created_at.toISOString(),
  };
}

export function presentPurpose(p: PurposeRow): PurposeView {
  return {
    code: p.code,
    label: p.label,
    text: p.text,
    legalBasis: p.legal_basis,
    specialCategory: p.special_category,
    textVersion: p.text_version,
    validityMonths: p.validity_months,
    active: p.active,
    position: p.position,
    updatedAt: p.updated_at.toISOString(),
  };
}
