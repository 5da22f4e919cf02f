import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { getSettings } from '../settings/index.js';
import { localDay } from '../shared/dates.js';
import { archivedReadsOf, participantExportRows, requestsOfParticipant } from './repo.js';
import { presentRequest } from './presenter.js';

/**
 * Everything held on one participant (GDPR art. 15), as plain data for JSON and the PDF.
 * Later capabilities (sessions, claims, payments) add their sections here. IBANs appear
 * masked: the person receives what we hold without the export itself becoming a risk.
 */
export async function buildParticipantExport(db: Db, participantId: string, now: Date) {
  const found = await participantExportRows(db, participantId);
  if (!found) return null;
  const { settings } = await getSettings(db);
  const today = localDay(now, settings.timeZone);
  const { p, consents, payees } = found;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    generatedAt: now.toISOString(),
    organisation: { name: settings.name, dpo: settings.dpo, address: settings.address },
    retention: settings.retention,
    participant: {
      reference: p.reference,
      status: p.status,
      civility: p.civility,
      firstName: p.first_name,
      lastName: p.last_name,
      email: p.email,
      phone: p.phone,
      address: { line1: p.address_line1, line2: p.address_line2, postalCode: p.postal_code, communeInsee: p.commune_insee, communeName: p.commune_name },
      preferredChannel: p.preferred_channel,
      partner: p.partner_name ?? null,
      isMinor: p.is_minor,
      guardian: { name: p.guardian_name, email: p.guardian_email, phone: p.guardian_phone, consentOn: p.guardian_consent_on },
      needs: p.needs as string[],
      needsNote: p.needs_note,
      profile: { ageBand: p.profile_age_band, activity: p.profile_activity, household: p.profile_household, communeInsee: p.profile_commune_insee },
      lastContactAt: iso(p.last_contact_at),
      createdAt: iso(p.created_at),
      archivedAt: iso(p.archived_at),
      anonymisedAt: iso(p.anonymised_at),
    },
    consents: consents.map((c) => ({
      purposeCode: c.purpose_code, purpose: c.label, legalBasis: c.legal_basis, textVersion: c.text_version, channel: c.channel,
      givenOn: c.given_on, expiresOn: c.expires_on, withdrawnOn: c.withdrawn_on, withdrawalChannel: c.withdrawal_channel,
      evidence: c.evidence_file_id ? (c.evidence_erased_at ? 'erased' : 'held') : 'none',
    })),
    payees: payees.map((y) => ({ kind: y.kind, name: y.name, ibanMasked: y.iban_masked, bic: y.bic, active: y.active, createdAt: iso(y.created_at) })),
    privacyRequests: (await requestsOfParticipant(db, participantId)).map((r) => presentRequest(r, today)),
    archivedDataReads: (await archivedReadsOf(db, participantId)).map((e) => ({ at: e.occurred_at.toISOString(), by: e.actor_name, roles: e.actor_roles ?? [] })),
  };
}

export type ParticipantExport = NonNullable<Awaited<ReturnType<typeof buildParticipantExport>>>;

/** The export for the DPO, audited ('participant.exported', with the format only). */
export async function exportParticipant(deps: Deps, actor: AuditActor, participantId: string, format: 'json' | 'pdf') {
  const data = await buildParticipantExport(deps.db, participantId, deps.now());
  if (!data) throw notFound('Personne');
  await recordAudit(deps.db, actor, { action: 'participant.exported', recordType: 'participant', recordId: participantId, data: { format } });
  return data;
}
