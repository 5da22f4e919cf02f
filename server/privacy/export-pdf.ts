import { PdfDocument } from '../shared/pdf.js';
import { formatCents } from '../shared/money.js';
import { formatDate, formatDateTime } from '../shared/format.js';
import { ROLE_LABELS, type Role } from '../shared/authorize.js';
import type { ParticipantExport } from './export-participant.js';
import { LINE_KIND_LABELS, REASON_LABELS } from '../claims/index.js';
import { MESSAGE_USES } from './registry/uses.js';
import {
  ACTIVITY_LABELS,
  CHANNEL_LABELS,
  CIVILITY_LABELS,
  CONSENT_CHANNEL_LABELS,
  HOUSEHOLD_LABELS,
  LEGAL_BASIS_LABELS,
  NEED_LABELS,
  OUTCOME_LABELS,
  PAYEE_KIND_LABELS,
  PREFERRED_CHANNEL_LABELS,
  REQUEST_KIND_LABELS,
  STATUS_LABELS,
} from './labels.js';

const or = (v: string | null | undefined, fallback = 'non renseigné') => (v && v.trim() ? v : fallback);
const day = (v: string | null) => (v ? formatDate(v) : '—');

/** Tables the letter lays out by hand above; every other table of the export is printed from the registry's labels. */
const LAID_OUT = new Set(['participants', 'consents', 'payees', 'privacy_requests']);

/** Codes printed in words, by `table.key` or by key. */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  'session_participants.status': {
    invited: 'invité',
    confirmed: 'a dit oui',
    declined: 'a dit non',
    attended: 'présent',
    absent_excused: 'absent (excusé)',
    absent: 'absent',
  },
  'claims.status': {
    draft: 'brouillon',
    submitted: 'déposée',
    approved: 'accordée',
    partially_approved: 'accordée en partie',
    rejected: 'refusée',
    in_batch: 'en paiement',
    paid: 'payée',
    cancelled: 'annulée',
  },
  'payments.status': { pending: 'en cours', paid: 'payé', rejected: 'rejeté par la banque' },
  'outbox_messages.status': {
    pending: 'à envoyer',
    sending: 'en cours d’envoi',
    delivered: 'envoyé',
    failed: 'échec de l’envoi',
    printed: 'imprimé pour la poste',
  },
  'outbox_messages.channel': { email: 'courriel', letter: 'courrier', partner: 'la structure qui vous accompagne' },
  'payments.payee_kind': PAYEE_KIND_LABELS,
  'claim_lines.kind': LINE_KIND_LABELS,
  'claim_lines.reason_code': REASON_LABELS,
  'claims.decision_reason_code': REASON_LABELS,
  'outbox_messages.use': Object.fromEntries(Object.entries(MESSAGE_USES).map(([k, u]) => [k, u.label])),
};

/** One value in plain French: dates, amounts, yes/no, codes in words. */
function plainValue(table: string, key: string, v: unknown, timeZone: string): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (v instanceof Date) return formatDateTime(v, timeZone);
  if (typeof v === 'boolean') return v ? 'oui' : 'non';
  if (typeof v === 'number' && key.endsWith('cents')) return formatCents(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v);
  if (Array.isArray(v)) return v.map((x) => String(x)).join(', ');
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k} : ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
      .join(' ; ');
  const s = String(v);
  return VALUE_LABELS[`${table}.${key}`]?.[s] ?? s;
}

/** The access export as a letter in plain French, readable in black and white (GDPR art. 15 and 12). */
export async function participantExportPdf(data: ParticipantExport, timeZone: string): Promise<Uint8Array> {
  const p = data.participant;
  const org = data.organisation;
  const pdf = await PdfDocument.create(
    `Vos données personnelles — ${p.reference}`,
    `${org.name} — vos données personnelles (${p.reference})`,
  );
  pdf.heading('Les informations que nous gardons sur vous');
  pdf.paragraph(
    `Voici toutes les informations que ${org.name} garde à votre sujet, au ${formatDateTime(data.generatedAt, timeZone)}. Votre numéro de dossier est ${p.reference}.`,
  );
  pdf.paragraph(
    'Cette liste est faite à partir du registre de nos données : chaque tableau où votre nom ou votre dossier apparaît y est lu. Pour chaque partie, nous disons pourquoi nous gardons ces informations, qui les voit, combien de temps, et d’où elles viennent.',
  );
  if (p.status !== 'active') {
    pdf.paragraph(
      p.status === 'anonymised'
        ? 'Vos données ont été anonymisées : nous ne gardons plus rien qui permette de vous reconnaître.'
        : 'Votre dossier est archivé : nous gardons seulement ce que la loi nous oblige à garder pour les comptes publics, avec un accès très limité.',
    );
  }

  pdf.heading('Qui vous êtes', 2);
  const name = [p.civility ? CIVILITY_LABELS[p.civility] : null, p.firstName, p.lastName].filter(Boolean).join(' ');
  pdf.facts([
    ['Nom', or(name)],
    ['Mineur', p.isMinor ? 'oui' : 'non'],
    ...(p.guardian.name
      ? [
          [
            'Représentant légal',
            `${p.guardian.name}${p.guardian.email ? `, ${p.guardian.email}` : ''}${p.guardian.phone ? `, ${p.guardian.phone}` : ''}`,
          ] as [string, string],
        ]
      : []),
    ['Structure qui vous accompagne', or(p.partner, 'aucune')],
    ['Dossier créé le', p.createdAt ? formatDate(p.createdAt, timeZone) : '—'],
    ['Dernier contact', p.lastContactAt ? formatDate(p.lastContactAt, timeZone) : '—'],
    ['État du dossier', STATUS_LABELS[p.status] ?? p.status],
  ]);

  pdf.heading('Comment nous vous joignons', 2);
  const address = [
    p.address.line1,
    p.address.line2,
    [p.address.postalCode, p.address.communeName].filter(Boolean).join(' '),
  ]
    .filter((x) => x && x.trim())
    .join(', ');
  pdf.facts([
    ['Courriel', or(p.email)],
    ['Téléphone', or(p.phone)],
    ['Adresse', or(address)],
    ['Vous préférez être contacté', PREFERRED_CHANNEL_LABELS[p.preferredChannel] ?? p.preferredChannel],
  ]);

  pdf.heading('Vos besoins pour participer', 2);
  pdf.paragraph(
    p.needs.length
      ? p.needs.map((n) => NEED_LABELS[n] ?? n).join(', ') + (p.needsNote ? `. Précision : ${p.needsNote}` : '.')
      : 'Vous ne nous avez pas indiqué de besoin particulier.',
  );

  pdf.heading('Votre profil (pour les statistiques)', 2);
  const profile = [
    p.profile.ageBand ? `${p.profile.ageBand.replace('-', ' à ')} ans` : null,
    p.profile.activity ? ACTIVITY_LABELS[p.profile.activity] : null,
    p.profile.household ? HOUSEHOLD_LABELS[p.profile.household] : null,
    p.profile.communeInsee ? `commune ${p.profile.communeInsee}` : null,
  ].filter(Boolean);
  pdf.paragraph(profile.length ? profile.join(', ') + '.' : 'Nous ne gardons pas de profil à votre sujet.');

  pdf.heading('Vos accords (consentements)', 2);
  if (data.consents.length) {
    pdf.table(
      [
        { header: 'Pour quoi', width: 4 },
        { header: 'Comment', width: 3 },
        { header: 'Donné le', width: 2 },
        { header: 'Valable jusqu’au', width: 2 },
        { header: 'Retiré le', width: 2 },
      ],
      data.consents.map((c) => [
        `${c.purpose} (${LEGAL_BASIS_LABELS[c.legalBasis] ?? c.legalBasis})`,
        CONSENT_CHANNEL_LABELS[c.channel] ?? c.channel,
        day(c.givenOn),
        day(c.expiresOn),
        day(c.withdrawnOn),
      ]),
    );
  } else pdf.paragraph('Aucun accord enregistré.');

  pdf.heading('Qui reçoit vos remboursements', 2);
  if (data.payees.length) {
    pdf.table(
      [
        { header: 'Qui', width: 3 },
        { header: 'Nom', width: 4 },
        { header: 'Compte bancaire (masqué)', width: 5 },
      ],
      data.payees.map((y) => [
        PAYEE_KIND_LABELS[y.kind] ?? y.kind,
        or(y.name ?? (y.kind === 'participant' ? name : null), '—'),
        or(y.ibanMasked, '—'),
      ]),
    );
  } else pdf.paragraph('Aucun compte bancaire enregistré.');

  pdf.heading('Vos demandes', 2);
  if (data.privacyRequests.length) {
    pdf.table(
      [
        { header: 'Demande', width: 3 },
        { header: 'Reçue le', width: 2 },
        { header: 'Par', width: 2 },
        { header: 'Réponse', width: 5 },
      ],
      data.privacyRequests.map((r) => [
        REQUEST_KIND_LABELS[r.kind] ?? r.kind,
        day(r.receivedOn),
        CHANNEL_LABELS[r.channel] ?? r.channel,
        r.outcomeCode
          ? `${OUTCOME_LABELS[r.outcomeCode] ?? r.outcomeCode}, le ${day(r.completedOn)}`
          : `en cours, au plus tard le ${day(r.dueOn)}`,
      ]),
    );
  } else pdf.paragraph('Aucune demande enregistrée.');

  pdf.heading('Qui a consulté vos données archivées', 2);
  if (data.archivedDataReads.length) {
    pdf.table(
      [
        { header: 'Date', width: 3 },
        { header: 'Personne', width: 4 },
        { header: 'Fonction', width: 4 },
      ],
      data.archivedDataReads.map((r) => [
        formatDateTime(r.at, timeZone),
        or(r.by, '—'),
        r.roles.map((x) => ROLE_LABELS[x as Role] ?? x).join(', '),
      ]),
    );
  } else pdf.paragraph('Personne n’a consulté vos données archivées.');

  for (const section of data.tables.filter((s) => !LAID_OUT.has(s.table))) {
    pdf.heading(section.label, 2);
    if (!section.rows.length) pdf.paragraph('Rien à votre sujet.');
    section.rows.forEach((row, i) => {
      if (section.rows.length > 1) pdf.paragraph(`${i + 1}.`, { bold: true });
      const facts = Object.entries(section.columns).flatMap(([key, label]): [string, string][] => {
        const value = plainValue(section.table, key, row[key], timeZone);
        return value === null ? [] : [[label, value]];
      });
      pdf.facts(facts.length ? facts : [['—', 'rien de renseigné']]);
    });
  }

  pdf.heading('Pourquoi, pour qui, combien de temps, d’où viennent ces informations', 2);
  for (const section of data.tables) {
    pdf.paragraph(section.label, { bold: true });
    pdf.facts([
      ['Pourquoi', or(section.purposes.map((x) => `${x.name} (${x.legalBases.join(', ')})`).join(' ; '), '—')],
      ['Qui les voit', or(section.recipients.join(' ; '), '—')],
      ['Combien de temps', or(section.retention.join(' ; '), '—')],
      ['D’où elles viennent', section.source],
    ]);
  }
  if (data.notExported.length) {
    pdf.heading('Ce que cette lettre ne reprend pas, et pourquoi', 2);
    for (const x of data.notExported) pdf.facts([[x.label, x.reason]]);
  }

  pdf.heading('Combien de temps nous gardons vos données', 2);
  pdf.paragraph(
    `Nous gardons vos coordonnées, vos besoins et votre profil ${data.retention.activeYearsAfterLastContact} ans après notre dernier contact avec vous. Si nous vous avons remboursé des frais, nous gardons ensuite seulement votre nom et vos coordonnées bancaires ${data.retention.archiveYearsAfterLastPayment} ans après le dernier paiement, comme la loi le demande pour les comptes publics. Ensuite, plus rien ne permet de vous reconnaître.`,
  );

  pdf.heading('Vos droits', 2);
  const dpo = [org.dpo.name, org.dpo.email, org.dpo.phone].filter((x) => x && x.trim()).join(', ');
  pdf.paragraph(
    `Vous pouvez demander à voir, corriger ou effacer vos données, ou refuser qu’elles servent. Écrivez ou parlez-en à la personne chargée de la protection des données${dpo ? ` : ${dpo}` : ''}. Si vous n’êtes pas satisfait de notre réponse, vous pouvez vous adresser à la CNIL (www.cnil.fr, 3 place de Fontenoy, 75007 Paris).`,
  );
  return pdf.save();
}
