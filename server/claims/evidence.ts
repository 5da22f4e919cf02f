import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { defineRoute } from '../shared/http.js';
import { hasAnyRole, type HasRoles } from '../shared/authorize.js';
import { notFound } from '../shared/errors.js';
import { PdfDocument } from '../shared/pdf.js';
import { readFileContent } from '../shared/files.js';
import { formatCents } from '../shared/money.js';
import { formatDate, formatDateTime } from '../shared/format.js';
import { formatLocalRange } from '../shared/dates.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { Settings } from '../settings/index.js';
import { streamZip, type AddEntry, type ZipSummary } from '../shared/zip.js';
import { obj, RecordId } from '../shared/schema.js';
import { BATCH_MANAGERS, batchEvidence, batchParticipantIdsSql, paymentReferenceText } from '../payments/index.js';
import { auditArchivedInExport } from '../privacy/index.js';
import {
  CLAIM_FLAG_LABELS,
  CLAIM_STATUS_LABELS,
  ClaimIdParams,
  LINE_KIND_LABELS,
  REASON_LABELS,
  type ReasonCode,
} from './schemas.js';
import { CLAIM_READERS } from './policy.js';
import { claimLines, claimSessionIds, getClaim, sessionsByIds, type ClaimRow } from './repo.js';
import { userNames } from './choices-repo.js';
import { attendanceEntries, bundleReceipts, claimEvents, participantStatus } from './evidence-repo.js';
import { claimsError } from './errors.js';

/**
 * Evidence bundles (issue 6): one ZIP per claim — receipts, attendance entry, decision trail
 * (PDF), payment reference, manifest with SHA-256 — and one per batch (a folder per claim, the
 * batch slip and its accounting CSV). Both are streamed (never built in memory) and each
 * download is audited with the ZIP's SHA-256 once the last byte has gone (or, cut off midway,
 * with what was sent and `completed: false`).
 */

const ACTION_LABELS: Record<string, string> = {
  'claim.created': 'Demande saisie',
  'claim.updated': 'Brouillon modifié',
  'claim.receipt_added': 'Justificatif ajouté',
  'claim.submitted': 'Demande transmise',
  'claim.decided': 'Décision',
  'claim.decision_letter_printed': 'Courrier de décision imprimé',
  'claim.cancelled': 'Demande annulée',
  'claim.advance_settled': 'Avance régularisée',
  'claim.evidence_downloaded': 'Dossier de pièces téléchargé',
};
const OVERRIDE_LABELS: Record<string, string> = {
  attendance_override: 'dérogation : présence non enregistrée, motif consigné au dossier',
  receipt_override: 'dérogation : ligne accordée sans justificatif, motif consigné au dossier',
  absent: 'personne absente : avance à récupérer',
};
const ATTENDANCE_LABELS: Record<string, string> = {
  invited: 'Invitée, présence non enregistrée',
  confirmed: 'A confirmé, présence non enregistrée',
  declined: 'A décliné l’invitation',
  attended: 'Présente',
  absent_excused: 'Absente excusée',
  absent: 'Absente',
};
const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/**
 * The decision trail (PDF): each line asked, computed, granted, with its rule and reason, then
 * the decisions and overrides from the audit trail. It shows what the claim page shows (the
 * person's reference, staff names), never the free-text override reasons nor the person's name.
 */
export async function decisionTrailPdf(db: Db, settings: Settings, claim: ClaimRow): Promise<Uint8Array> {
  const tz = settings.timeZone;
  const lines = await claimLines(db, claim.id);
  const events = await claimEvents(db, claim.id);
  const names = new Map(
    (
      await userNames(
        db,
        [claim.entered_by, claim.decided_by, ...events.map((e) => e.actor_user_id)].filter((x): x is string => !!x),
      )
    ).map((u) => [u.id, u.name]),
  );
  const who = (id: string | null) => (id ? (names.get(id) ?? 'compte supprimé') : 'système');
  const pdf = await PdfDocument.create(
    `Historique de la décision ${claim.reference}`,
    `${settings.name} — dossier de pièces ${claim.reference}`,
  );
  pdf.heading(`Historique de la décision — demande ${claim.reference}`);
  pdf.facts([
    ['Personne (référence)', claim.participant_reference],
    ['État', CLAIM_STATUS_LABELS[claim.status]],
    ['Saisie', `${formatDateTime(claim.created_at, tz)} par ${who(claim.entered_by)}`],
    [
      'Décidée',
      claim.decided_at ? `${formatDateTime(claim.decided_at, tz)} par ${who(claim.decided_by)}` : 'pas encore',
    ],
    ['Total demandé', formatCents(claim.amount_requested_cents)],
    ['Total calculé par le barème', formatCents(claim.amount_eligible_cents)],
    ['Total accordé', claim.amount_granted_cents === null ? '—' : formatCents(claim.amount_granted_cents)],
    ...(claim.flags.length
      ? [
          [
            'Signalements',
            claim.flags.map((f) => CLAIM_FLAG_LABELS[f as keyof typeof CLAIM_FLAG_LABELS] ?? f).join(', '),
          ] as [string, string],
        ]
      : []),
  ]);
  pdf.heading('Lignes', 2);
  pdf.table(
    [
      { header: 'Frais', width: 3 },
      { header: 'Date', width: 1.8 },
      { header: 'Demandé', width: 1.7, align: 'right' },
      { header: 'Calculé', width: 1.7, align: 'right' },
      { header: 'Accordé', width: 1.7, align: 'right' },
      { header: 'Règle et motif', width: 5 },
    ],
    lines.map((l) => [
      LINE_KIND_LABELS[l.kind as keyof typeof LINE_KIND_LABELS] ?? l.kind,
      l.travel_date.split('-').reverse().join('/'),
      formatCents(l.requested_cents),
      formatCents(l.eligible_cents),
      l.granted_cents === null ? '—' : formatCents(l.granted_cents),
      [
        l.explanation,
        l.rule ? `règle : ${l.rule}` : '',
        l.reason_code
          ? `motif : ${REASON_LABELS[l.reason_code as ReasonCode] ?? l.reason_code}${l.reason_note ? ` (${l.reason_note})` : ''}`
          : '',
      ]
        .filter(Boolean)
        .join(' — '),
    ]),
  );
  pdf.heading('Décisions, dérogations et étapes', 2);
  pdf.table(
    [
      { header: 'Date', width: 2.2 },
      { header: 'Étape', width: 3 },
      { header: 'Par', width: 2.5 },
      { header: 'Précision', width: 4 },
    ],
    events.map((e) => [
      formatDateTime(e.occurred_at, tz),
      ACTION_LABELS[e.action] ?? e.action,
      who(e.actor_user_id),
      [
        e.reason_code ? (OVERRIDE_LABELS[e.reason_code] ?? e.reason_code) : '',
        e.action === 'claim.decided' && typeof e.data.status === 'string'
          ? `résultat : ${CLAIM_STATUS_LABELS[e.data.status as keyof typeof CLAIM_STATUS_LABELS] ?? e.data.status}`
          : '',
      ]
        .filter(Boolean)
        .join(' ; '),
    ]),
  );
  pdf.paragraph('Document établi à partir du dossier de la demande et de son journal d’audit.', { size: 9 });
  return pdf.save();
}

/** The attendance entry of each of the claim's sessions, as plain text. */
async function attendanceText(db: Db, settings: Settings, claim: ClaimRow): Promise<string> {
  const sessions = await sessionsByIds(db, await claimSessionIds(db, claim.id));
  const entries = await attendanceEntries(
    db,
    claim.participant_id,
    sessions.map((s) => s.id),
  );
  const blocks = sessions.map((s) => {
    const e = entries.find((x) => x.session_id === s.id);
    return [
      `Session : ${s.title}`,
      `Date : ${formatLocalRange(s.starts_at, s.ends_at, settings.timeZone)}`,
      `Présence : ${e ? (ATTENDANCE_LABELS[e.status] ?? e.status) : 'aucune inscription'}${e?.walk_in ? ' (venue sans invitation)' : ''}`,
      ...(e?.attendance_recorded_at
        ? [`Présence enregistrée le : ${formatDateTime(e.attendance_recorded_at, settings.timeZone)}`]
        : []),
    ].join('\r\n');
  });
  return `Demande ${claim.reference} — personne ${claim.participant_reference}\r\n\r\n${blocks.join('\r\n\r\n')}\r\n`;
}

/**
 * Adds the files of one claim to a bundle under `folder`: decision trail, attendance, each
 * receipt (read one at a time; an erased one becomes a short note), and the payment reference.
 */
async function addClaimFiles(db: Db, settings: Settings, claim: ClaimRow, add: AddEntry, folder = ''): Promise<void> {
  await add(`${folder}decision.pdf`, await decisionTrailPdf(db, settings, claim));
  await add(`${folder}presence.txt`, await attendanceText(db, settings, claim));
  const receipts = await bundleReceipts(db, claim.id);
  for (const [i, r] of receipts.entries()) {
    const name = `${folder}justificatifs/${claim.reference}-J${i + 1}`;
    const file = r.erased_at ? null : await readFileContent(db, r.file_id);
    if (file) await add(`${name}.${EXTENSIONS[file.mediaType] ?? 'bin'}`, file.content);
    else
      await add(
        `${name}-efface.txt`,
        `Le justificatif ${claim.reference}-J${i + 1} (${formatCents(Number(r.amount_cents))}) a été effacé${r.erased_at ? ` le ${formatDate(r.erased_at, settings.timeZone)}` : ''}, selon la durée de conservation.\r\nSon empreinte SHA-256 était : ${r.sha256}\r\n`,
      );
  }
  const payment = await paymentReferenceText(db, settings, claim.id);
  if (payment) await add(`${folder}paiement.txt`, payment);
}

/** An archived person's claims are for finance only (the DPO does not read claims), as their record is. */
function assertMayRead(actor: Pick<HasRoles, 'roles'> | null, status: string) {
  if (status === 'archived' && !hasAnyRole(actor, ['finance'])) {
    throw claimsError('evidence_archived_restricted');
  }
}

const BatchIdParams = obj({ id: RecordId('payment_batches') });

export function evidenceRoutes(deps: Deps) {
  const audited = (acting: Acting, action: string, recordType: string, recordId: string) => (summary: ZipSummary) =>
    inTransaction(deps.db, (trx) => recordAudit(trx, acting, { action, recordType, recordId, data: { ...summary } }));
  return [
    defineRoute({
      method: 'get',
      path: '/api/claims/:id/evidence.zip',
      access: CLAIM_READERS,
      tags: ['claims'],
      summary:
        'Evidence bundle of a claim (ZIP, streamed): receipts, attendance entry, decision trail (PDF), payment reference, manifest.csv with SHA-256; audited with the ZIP’s SHA-256',
      params: ClaimIdParams,
      responses: { 200: { description: 'ZIP', contentType: 'application/zip' } },
      errors: ['evidence_archived_restricted'],
      handler: async (req, res) => {
        const settings = await req.ctx.acting.settings();
        const claim = await getClaim(deps.db, req.params.id);
        if (!claim) throw notFound('Demande');
        const person = await participantStatus(deps.db, claim.participant_id);
        assertMayRead(req.ctx.acting.actor, person.status);
        await streamZip(
          res,
          `dossier-${claim.reference}.zip`,
          claim.updated_at,
          (add) => addClaimFiles(deps.db, settings, claim, add),
          audited(req.ctx.acting, 'claim.evidence_downloaded', 'claim', claim.id),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/payment-batches/:id/evidence.zip',
      access: BATCH_MANAGERS,
      tags: ['payments'],
      summary:
        'Evidence bundle of an exported batch (ZIP, streamed): a folder per claim (as its own bundle), the batch slip and accounting CSV, manifest.csv. Restricted export (names, IBANs): finance only, audited with the ZIP’s SHA-256',
      params: BatchIdParams,
      responses: { 200: { description: 'ZIP', contentType: 'application/zip' } },
      errors: ['batch_open_no_evidence', 'batch_cancelled_no_evidence'],
      handler: async (req, res) => {
        const settings = await req.ctx.acting.settings();
        const batch = await batchEvidence(deps, settings, req.params.id);
        await auditArchivedInExport(
          deps.db,
          req.ctx.acting,
          { recordType: 'payment_batch', recordId: req.params.id, via: 'batch evidence ZIP' },
          batchParticipantIdsSql(req.params.id),
        );
        await streamZip(
          res,
          `dossier-${batch.reference}.zip`,
          batch.exportedAt,
          async (add) => {
            await add(`bordereau-${batch.reference}.pdf`, batch.slip);
            await add(`export-comptable-${batch.reference}.csv`, batch.accountingCsv);
            for (const c of batch.claims) {
              const claim = await getClaim(deps.db, c.id);
              if (claim) await addClaimFiles(deps.db, settings, claim, add, `${claim.reference}/`);
            }
          },
          audited(req.ctx.acting, 'payment_batch.evidence_downloaded', 'payment_batch', req.params.id),
        );
      },
    }),
  ];
}
