import type { ExportColumn, ExportProjection } from './types.js';

/**
 * Shared pieces of the export declarations of the registry (what the access export gives of
 * each table): where the data comes from (GDPR art. 15(1)(g)), in plain French.
 */
export const FROM_PERSON =
  'Vous-même, ou la structure qui vous accompagne, lors de votre inscription et de nos échanges.';
export const FROM_SESSIONS = 'Nos agents, qui organisent les ateliers et notent les présences.';
export const FROM_CLAIMS = 'Vous-même pour vos demandes et justificatifs ; nos agents pour le calcul et la décision.';
export const FROM_FINANCE = 'Notre service financier.';
export const FROM_MESSAGES = 'Nos envois : les courriels et courriers que nous vous avons écrits.';

/** A document of the person (consent evidence, receipt): described in the JSON, its content in the ZIP. */
export const THEIR_DOCUMENT: ExportProjection = {
  source: 'Vous-même : les documents que vous nous avez remis.',
  attach: true,
  columns: {
    original_name: 'Nom du fichier',
    media_type: 'Type',
    size_bytes: 'Taille (octets)',
    sha256: 'Empreinte (SHA-256)',
    created_at: 'Déposé le',
    erased_at: 'Effacé le',
  },
};

/** The reference of the claim a row belongs to. */
export const claimRef = (table: string): ExportColumn => ({
  label: 'Demande',
  sql: `(SELECT reference FROM claims WHERE claims.id = ${table}.claim_id)`,
});
