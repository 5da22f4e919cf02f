/** How to contest an unfavourable decision (French administrative law requires saying so). */
export function CONTEST_TEXT(orgName: string, orgAddress: string): string[] {
  return [
    `Vous pouvez contester cette décision. D’abord, écrivez à ${orgName}${orgAddress ? ` (${orgAddress})` : ''} dans un délai de 2 mois après avoir reçu ce courrier : c’est un recours gracieux. Expliquez pourquoi vous n’êtes pas d’accord et joignez vos justificatifs.`,
    'Ensuite, si la réponse ne vous convient pas, ou sans réponse au bout de 2 mois, vous pouvez saisir le tribunal administratif dans un délai de 2 mois. Vous pouvez le faire par internet sur www.telerecours.fr.',
  ];
}
