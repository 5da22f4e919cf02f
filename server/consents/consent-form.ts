import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { PdfDocument } from '../shared/pdf.js';
import type { Settings } from '../settings/index.js';
import type { Acting } from '../shared/acting.js';
import { getParticipant, listPurposes, type ConsentParticipant } from './repo.js';
import type { LegalBasis } from './schemas.js';

const BLANK = '______________________________';

// Why we may process the data, said simply.
const PLAIN_BASIS: Record<LegalBasis, string> = {
  consent: 'seulement avec votre accord',
  legal_obligation: 'la loi nous oblige à garder ces informations',
  public_task: 'cela fait partie de notre mission de service public',
};

function withdrawalText(settings: Settings): string {
  const address = [
    settings.address.line1,
    settings.address.line2,
    `${settings.address.postalCode} ${settings.address.city}`.trim(),
  ]
    .filter(Boolean)
    .join(', ');
  const ways = [
    address && `par courrier à ${settings.name}, ${address}`,
    settings.dpo.email && `par e-mail à ${settings.dpo.email}`,
    settings.dpo.phone && `par téléphone au ${settings.dpo.phone}`,
  ].filter(Boolean);
  return (
    'Vous pouvez changer d’avis à tout moment, sans donner de raison et sans aucune conséquence pour vous. ' +
    `Il suffit de le dire à la personne qui vous accompagne${ways.length ? `, ou de nous prévenir ${ways.join(', ')}` : ''}. ` +
    'Nous arrêtons alors tout de suite d’utiliser ces informations. Ce qui a été fait avant votre retrait reste valable.'
  );
}

function identity(participant: ConsentParticipant | null): [string, string][] {
  if (!participant)
    return [
      ['Nom', BLANK],
      ['Prénom', BLANK],
      ['Adresse', BLANK],
    ];
  const address = [
    participant.address_line1,
    participant.address_line2,
    [participant.postal_code, participant.commune_name].filter(Boolean).join(' '),
  ]
    .filter(Boolean)
    .join(', ');
  return [
    ['Nom', participant.last_name ?? ''],
    ['Prénom', participant.first_name ?? ''],
    ['Adresse', address || BLANK],
    ['Référence', participant.reference],
  ];
}

/**
 * The printable consent form, in plain French: one boxed row per active purpose with its text and
 * yes / no boxes, the identity block (prefilled for a participant, blank otherwise), how to
 * withdraw, the DPO's contact, date and signature lines.
 */
export async function consentFormPdf(
  deps: Deps,
  acting: Acting,
  participantId: string | null,
): Promise<{ bytes: Uint8Array; fileName: string }> {
  const participant = participantId ? ((await getParticipant(deps.db, participantId)) ?? null) : null;
  if (participantId && !participant) throw notFound('Participant');
  const settings = await acting.settings();
  const purposes = await listPurposes(deps.db, { activeOnly: true });

  const pdf = await PdfDocument.create('Formulaire de consentement', `${settings.name} — Formulaire de consentement`);
  pdf.heading('Vos informations personnelles : votre accord');
  pdf.paragraph(
    `${settings.name} organise des ateliers et des réunions où les personnes accompagnées donnent leur avis sur les services. ` +
      'Pour cela, nous avons besoin de garder quelques informations sur vous. Ce formulaire explique à quoi elles servent. ' +
      'Pour chaque point, cochez « Oui » si vous êtes d’accord ou « Non » si vous ne l’êtes pas. Vous pouvez répondre non : vous pourrez quand même participer.',
  );
  pdf.heading('Vous', 2).facts(identity(participant));

  // One row per purpose: a table row never breaks across pages, and its rules box each purpose.
  pdf.heading('Votre accord, point par point', 2);
  pdf.table(
    [
      { header: 'Pour quoi faire ?', width: 5.6 },
      { header: 'Votre réponse (cochez)', width: 1.4 },
    ],
    purposes.map((p, i) => [
      [
        `${i + 1}. ${p.label}`,
        p.text,
        ...(p.special_category
          ? ['Ces informations peuvent concerner votre santé : nous avons besoin de votre accord clair.']
          : []),
        [
          `Pourquoi : ${PLAIN_BASIS[p.legal_basis]}`,
          `texte n° ${p.text_version}`,
          ...(p.validity_months ? [`accord valable ${p.validity_months} mois`] : []),
        ].join(' · '),
      ].join('\n'),
      '☐ Oui\n\n☐ Non',
    ]),
    10,
  );

  pdf.heading('Changer d’avis', 2).paragraph(withdrawalText(settings));
  pdf
    .heading('Vos droits', 2)
    .paragraph(
      'Vous pouvez demander à voir les informations que nous avons sur vous, à les corriger ou à les effacer. ' +
        `Pour toute question, écrivez au délégué à la protection des données${settings.dpo.name ? ` (${settings.dpo.name})` : ''}${settings.dpo.email ? ` : ${settings.dpo.email}` : ''}${settings.dpo.phone ? `, ${settings.dpo.phone}` : ''}. ` +
        'Si vous n’êtes pas satisfait de notre réponse, vous pouvez vous adresser à la CNIL (www.cnil.fr, 3 place de Fontenoy, 75007 Paris).',
    );

  pdf.space(6).paragraph('Fait à ______________________________   le ____ / ____ / ________');
  pdf.signature('Signature de la personne');
  if (!participant || participant.is_minor)
    pdf.signature('Signature du représentant légal (pour une personne mineure)');
  pdf.signature('Nom et signature de l’agent qui a recueilli le formulaire');

  const fileName = participant ? `formulaire-consentement-${participant.reference}.pdf` : 'formulaire-consentement.pdf';
  return { bytes: await pdf.save(), fileName };
}
