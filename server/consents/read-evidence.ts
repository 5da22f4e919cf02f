import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { readFileContent } from '../shared/files.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { getConsent, getParticipant } from './repo.js';

const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** The evidence file of a consent (the signed form, a scan); each read is audited. */
export async function readConsentEvidence(
  deps: Deps,
  actor: AuditActor,
  consentId: string,
): Promise<{ mediaType: string; content: Buffer; fileName: string }> {
  return inTransaction(deps.db, async (trx) => {
    const consent = await getConsent(trx, consentId);
    if (!consent) throw notFound('Consentement');
    const file = consent.evidence_file_id ? await readFileContent(trx, consent.evidence_file_id) : null;
    if (!file) throw notFound('Justificatif');
    const participant = await getParticipant(trx, consent.participant_id);
    await recordAudit(trx, actor, {
      action: 'consent.evidence_read',
      recordType: 'consent',
      recordId: consentId,
      data: { participantId: consent.participant_id, fileId: consent.evidence_file_id },
    });
    // The stored original name may hold the person's name: the download is named by reference.
    const fileName = `justificatif-consentement-${participant?.reference ?? 'inconnu'}-${consent.purpose_code}.${EXTENSIONS[file.mediaType] ?? 'bin'}`;
    return { mediaType: file.mediaType, content: file.content, fileName };
  });
}
