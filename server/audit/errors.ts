import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why an audit-chain action is refused: code → [HTTP status, French message, wire code if another]. */
export const AUDIT_ERRORS = defineErrors('audit', {
  checkpoint_not_extended: [
    409,
    'La chaîne d’audit ne prolonge pas le dernier point de contrôle signé : lancez la vérification (audit-verify).',
    'conflict',
  ],
  keyed_switch_moved: [
    409,
    ({ seq }: { seq: number | string }) =>
      `La bascule vers les empreintes à clé n’est plus au maillon ${seq} signé : aucune époque ne peut couvrir cette chaîne.`,
    'conflict',
  ],
  restored_chain_broken: [
    409,
    ({ seq }: { seq: number | string }) =>
      `La chaîne d’audit restaurée est rompue au maillon ${seq} : aucune époque ne peut la couvrir.`,
    'conflict',
  ],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    audit: typeof AUDIT_ERRORS;
  }
}

export const auditError = errorMaker(AUDIT_ERRORS);
