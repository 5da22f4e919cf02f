import { PdfDocument } from '../../shared/pdf.js';
import { toCsv } from '../../shared/csv.js';
import { formatDateTime } from '../../shared/format.js';
import type { Register } from './register.js';

/** The processing register as a PDF (one sheet per activity, CNIL model) and as a CSV (French Excel dialect). */
export async function registerPdf(r: Register, timeZone: string): Promise<Uint8Array> {
  const pdf = await PdfDocument.create(
    'Registre des activités de traitement',
    `${r.controller.name} — registre des activités de traitement (art. 30 RGPD)`,
  );
  pdf.heading('Registre des activités de traitement');
  pdf.paragraph(
    `Établi le ${formatDateTime(r.generatedAt, timeZone)} à partir de la déclaration des données de l’application et des paramètres de l’organisation.`,
  );
  const address = [
    r.controller.address.line1,
    r.controller.address.line2,
    `${r.controller.address.postalCode} ${r.controller.address.city}`.trim(),
  ]
    .filter((x) => x && x.trim())
    .join(', ');
  pdf.heading('Responsable du traitement', 2);
  pdf.facts([
    ['Organisme', r.controller.name],
    ['Forme', r.controller.legalForm === 'association' ? 'Association' : 'Collectivité ou établissement public'],
    ['SIRET', r.controller.siret ?? '—'],
    ['Adresse', address || '—'],
    [
      'Délégué à la protection des données',
      [r.dpo.name, r.dpo.email, r.dpo.phone].filter((x) => x && x.trim()).join(', ') || '—',
    ],
  ]);
  pdf.heading('Finalités soumises au consentement', 2);
  pdf.table(
    [
      { header: 'Finalité', width: 5 },
      { header: 'Base légale', width: 3 },
      { header: 'Version du texte', width: 2 },
      { header: 'Validité', width: 2 },
    ],
    r.consentPurposes.map((p) => [
      `${p.label}${p.specialCategory ? ' (données de santé)' : ''}`,
      p.legalBasisLabel,
      String(p.textVersion),
      p.validityMonths ? `${p.validityMonths} mois` : 'sans limite',
    ]),
  );
  pdf.heading('Messages et leur base légale', 2);
  pdf.table(
    [
      { header: 'Usage', width: 4 },
      { header: 'Base légale', width: 3 },
      { header: 'Modèles', width: 2 },
      { header: 'Règle d’envoi', width: 5 },
    ],
    r.messageUses.map((u) => [u.label, u.legalBasisLabel, u.templates.join(', ') || '—', u.why]),
    8,
  );
  for (const a of r.activities) {
    pdf.heading(a.name, 2);
    pdf.paragraph(a.description);
    pdf.facts([
      ['Bases légales', a.legalBases.map((b) => b.label).join(', ')],
      ['Personnes concernées', a.dataSubjects.join(' ; ')],
      ['Destinataires', a.recipients.join(' ; ')],
      ['Transferts hors UE', a.transfersOutsideEu],
    ]);
    pdf.table(
      [
        { header: 'Catégorie de données', width: 3 },
        { header: 'Conservation', width: 5 },
        { header: 'Champs', width: 4 },
      ],
      a.categories.map((c) => [
        `${c.label}${c.specialCategory ? ' (sensible)' : ''}`,
        c.retention.join(' ; '),
        c.columns.join(', '),
      ]),
      8,
    );
  }
  pdf.heading('Documents déposés', 2);
  pdf.table(
    [
      { header: 'Documents', width: 4 },
      { header: 'Cycle de vie des participants', width: 2 },
      { header: 'Conservation', width: 6 },
    ],
    r.documents.map((d) => [d.label, d.participantLifecycle ? 'oui' : 'non', d.retention.join(' ; ')]),
    8,
  );
  pdf.heading('Mesures de sécurité', 2);
  for (const m of r.securityMeasures) pdf.paragraph(`• ${m}`);
  return pdf.save();
}

export function registerCsv(r: Register): string {
  const rows = r.activities.flatMap((a) =>
    a.categories.map((c) => [
      a.name,
      a.description,
      a.legalBases.map((b) => b.label).join(', '),
      a.dataSubjects.join(' ; '),
      c.label,
      c.specialCategory ? 'oui' : 'non',
      c.columns.join(', '),
      a.recipients.join(' ; '),
      c.retention.join(' ; '),
      a.transfersOutsideEu,
      r.securityMeasures.join(' ; '),
    ]),
  );
  return toCsv(
    [
      'Traitement',
      'Finalité',
      'Base légale',
      'Personnes concernées',
      'Catégorie de données',
      'Donnée sensible',
      'Champs',
      'Destinataires',
      'Durée de conservation',
      'Transferts hors UE',
      'Mesures de sécurité',
    ],
    rows,
  );
}
