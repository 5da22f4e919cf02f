import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { readFileContent } from '../shared/files.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { getConsent, getParticipant } from './repo.js';

const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** The evidence file of a consent (the signed form, a scan); each read is audited. */
export async function readConsentEvidenceIn(
  trx: Knex.Transaction,
  _deps: Deps,
  acting: Acting,
  consentId: string,
): Promise<{ mediaType: string; content: Buffer; fileName: string }> {
  const consent = await getConsent(trx, consentId);
  if (!consent) throw notFound('Consentement');
  const file = consent.evidence_file_id ? await readFileContent(trx, consent.evidence_file_id) : null;
  if (!file) throw notFound('Justificatif');
  const participant = await getParticipant(trx, consent.participant_id);
  await recordAudit(trx, acting, {
    action: 'consent.evidence_read',
    recordType: 'consent',
    recordId: consentId,
    data: { participantId: consent.participant_id, fileId: consent.evidence_file_id },
  });
  // The stored original name may hold the person's name: the download is named by reference.
  const fileName = `justificatif-consentement-${participant?.reference ?? 'inconnu'}-${consent.purpose_code}.${EXTENSIONS[file.mediaType] ?? 'bin'}`;
  return { mediaType: file.mediaType, content: file.content, fileName };
}

/** `readConsentEvidenceIn` in a transaction of its own. */
export const readConsentEvidence = (deps: Deps, acting: Acting, consentId: string) =>
  inTransaction(deps.db, (trx) => readConsentEvidenceIn(trx, deps, acting, consentId));
