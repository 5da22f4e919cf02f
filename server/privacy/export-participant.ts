import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { localDay } from '../shared/dates.js';
import type { ServerResponse } from 'node:http';
import { streamZip, type ZipSummary } from '../shared/zip.js';
import { participantExportPdf } from './export-pdf.js';
import { archivedReadsOf, liveFileContent, participantExportRows, requestsOfParticipant } from './repo.js';
import { presentRequest } from './presenter.js';
import { exportSections } from './export-sections.js';

/** Payees whose name and account are the person's own; others (childcare provider, association) are someone else's. */
const OWN_PAYEE_KINDS = ['participant', 'legal_representative'];

/**
 * Everything held on one participant (GDPR art. 15), as plain data for JSON and the PDF, and
 * the person's documents (consent evidence, receipts) for the ZIP. `tables` is built from the
 * registry (export-sections.ts): every table linked to a participant gives what its `export`
 * declaration says is theirs, with purposes, legal bases, recipients, retention and source;
 * `notExported` names what is left out and why. The sections before it (participant,
 * consents, payees, requests) are the same data laid out for the letter. IBANs appear masked:
 * the export itself must not become a risk. As of the acting's clock.
 */
export async function buildParticipantExport(db: Db, acting: Acting, participantId: string) {
  const { now } = acting;
  const found = await participantExportRows(db, participantId);
  if (!found) return null;
  const settings = await acting.settings();
  const { sections, notExported, files } = await exportSections(db, participantId, settings);
  const today = localDay(now, settings.timeZone);
  const { p, consents, payees } = found;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const data = {
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
      address: {
        line1: p.address_line1,
        line2: p.address_line2,
        postalCode: p.postal_code,
        communeInsee: p.commune_insee,
        communeName: p.commune_name,
      },
      preferredChannel: p.preferred_channel,
      partner: p.partner_name ?? null,
      isMinor: p.is_minor,
      guardian: {
        name: p.guardian_name,
        email: p.guardian_email,
        phone: p.guardian_phone,
        consentOn: p.guardian_consent_on,
      },
      needs: p.needs as string[],
      needsNote: p.needs_note,
      profile: {
        ageBand: p.profile_age_band,
        activity: p.profile_activity,
        household: p.profile_household,
        communeInsee: p.profile_commune_insee,
      },
      lastContactAt: iso(p.last_contact_at),
      createdAt: iso(p.created_at),
      archivedAt: iso(p.archived_at),
      anonymisedAt: iso(p.anonymised_at),
    },
    consents: consents.map((c) => ({
      purposeCode: c.purpose_code,
      purpose: c.label,
      legalBasis: c.legal_basis,
      textVersion: c.text_version,
      channel: c.channel,
      givenOn: c.given_on,
      expiresOn: c.expires_on,
      withdrawnOn: c.withdrawn_on,
      withdrawalChannel: c.withdrawal_channel,
      evidence: c.evidence_file_id ? (c.evidence_erased_at ? 'erased' : 'held') : 'none',
    })),
    payees: payees.map((y) => {
      const own = OWN_PAYEE_KINDS.includes(y.kind);
      return {
        kind: y.kind,
        name: own ? y.name : null,
        ibanMasked: own ? y.iban_masked : null,
        bic: own ? y.bic : null,
        active: y.active,
        createdAt: iso(y.created_at),
      };
    }),
    privacyRequests: (await requestsOfParticipant(db, participantId)).map((r) => presentRequest(r, today)),
    archivedDataReads: (await archivedReadsOf(db, participantId)).map((e) => ({
      at: e.occurred_at.toISOString(),
      by: e.actor_name,
      roles: e.actor_roles ?? [],
    })),
    tables: sections,
    notExported,
  };
  return { data, files };
}

type Built = NonNullable<Awaited<ReturnType<typeof buildParticipantExport>>>;
export type ParticipantExport = Built['data'];

/** The export as JSON or PDF for the DPO, audited ('participant.exported', with the format only). */
export async function exportParticipant(
  deps: Deps,
  acting: Acting,
  input: { participantId: string; format: 'json' | 'pdf' },
): Promise<ParticipantExport> {
  const { participantId, format } = input;
  const built = await buildParticipantExport(deps.db, acting, participantId);
  if (!built) throw notFound('Personne');
  await recordAudit(deps.db, acting, {
    action: 'participant.exported',
    recordType: 'participant',
    recordId: participantId,
    data: { format },
  });
  return built.data;
}

/**
 * The export as one ZIP: export.json, export.pdf (the letter) and the person's documents
 * (consent evidence, receipts) under documents/, with manifest.csv. Streamed; audited like
 * the other formats ('participant.exported', format zip, with the ZIP's SHA-256 and size).
 */
export async function streamParticipantExportZip(
  deps: Deps,
  acting: Acting,
  participantId: string,
  res: ServerResponse,
): Promise<void> {
  const { now } = acting;
  const built = await buildParticipantExport(deps.db, acting, participantId);
  if (!built) throw notFound('Personne');
  const settings = await acting.settings();
  const { data, files } = built;
  await streamZip(
    res,
    `donnees-${data.participant.reference}.zip`,
    now,
    async (add) => {
      await add('export.json', JSON.stringify(data, null, 2));
      await add('export.pdf', await participantExportPdf(data, settings.timeZone));
      for (const f of files) {
        const row = await liveFileContent(deps.db, f.fileId);
        if (row?.content) await add(f.name, row.content as Buffer);
      }
    },
    (summary: ZipSummary) =>
      recordAudit(deps.db, acting, {
        action: 'participant.exported',
        recordType: 'participant',
        recordId: participantId,
        data: { format: 'zip', ...summary },
      }).then(() => undefined),
  );
}
