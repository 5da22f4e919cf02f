import type { Knex } from 'knex';

// The catalogue of purposes, in plain French (what the person reads or hears). Admins and
// the DPO may edit texts later; each edit raises the text version.
export const PURPOSES = [
  {
    code: 'contact',
    label: 'Vous contacter pour participer',
    text: 'Nous gardons votre nom et vos coordonnées pour vous inviter aux ateliers et réunions, et vous donner des nouvelles de ce qui a été fait avec vos idées. Vous pouvez nous demander d’arrêter à tout moment.',
    legal_basis: 'consent',
    special_category: false,
    validity_months: null,
    position: 1,
  },
  {
    code: 'bank_details',
    label: 'Vous rembourser vos frais',
    text: 'Pour vous rembourser vos frais de transport ou de garde d’enfants, nous avons besoin de vos coordonnées bancaires (IBAN). Elles sont protégées et ne servent qu’à vous payer. Les pièces comptables sont gardées 10 ans, comme la loi le demande.',
    legal_basis: 'legal_obligation',
    special_category: false,
    validity_months: null,
    position: 2,
  },
  {
    code: 'needs',
    label: 'Tenir compte de vos besoins',
    text: 'Si vous nous dites vos besoins (accès sans marche, boucle magnétique, interprète en langue des signes, gros caractères, garde d’enfants, accompagnant), nous les utilisons seulement pour organiser les ateliers. Ces informations peuvent concerner votre santé : nous ne les gardons qu’avec votre accord écrit ou oral, et vous pouvez le retirer quand vous voulez.',
    legal_basis: 'consent',
    special_category: true,
    validity_months: 24,
    position: 3,
  },
  {
    code: 'profile',
    label: 'Savoir qui participe (statistiques)',
    text: 'Pour vérifier que toutes sortes de personnes participent, nous pouvons noter votre tranche d’âge, votre situation (emploi, études, retraite…), votre foyer et votre commune. Ces réponses sont facultatives et ne servent qu’à des statistiques sur des groupes d’au moins 5 personnes.',
    legal_basis: 'consent',
    special_category: false,
    validity_months: 24,
    position: 4,
  },
  {
    code: 'media',
    label: 'Photos et enregistrements',
    text: 'Nous pouvons prendre des photos ou enregistrer votre voix pendant les ateliers, seulement si vous êtes d’accord. Vous pouvez refuser sans aucune conséquence, et retirer votre accord plus tard.',
    legal_basis: 'consent',
    special_category: false,
    validity_months: 24,
    position: 5,
  },
  {
    code: 'future_solicitation',
    label: 'Vous proposer d’autres projets',
    text: 'Nous pouvons vous proposer de participer à d’autres projets plus tard. Si vous ne le souhaitez pas, nous ne vous contacterons que pour le projet en cours.',
    legal_basis: 'consent',
    special_category: false,
    validity_months: 24,
    position: 6,
  },
];

export async function up(knex: Knex): Promise<void> {
  await knex('consent_purposes').insert(PURPOSES);
}

export async function down(knex: Knex): Promise<void> {
  await knex('consent_purposes')
    .whereIn(
      'code',
      PURPOSES.map((p) => p.code),
    )
    .delete();
}
