import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound, validationError } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import type { PurposePatchBody, PurposeView } from './schemas.js';
import { getPurpose, updatePurposeRow } from './repo.js';
import { presentPurpose } from './presenter.js';

const COLUMNS: Record<keyof PurposePatchBody, string> = {
  label: 'label',
  text: 'text',
  legalBasis: 'legal_basis',
  specialCategory: 'special_category',
  validityMonths: 'validity_months',
  active: 'active',
};

/**
 * Edits a purpose of the catalogue. A new text raises the text version: consents keep the
 * version the person agreed to, so older consents still say what was read or heard.
 */
export async function updatePurpose(
  deps: Deps,
  actor: AuditActor,
  code: string,
  patch: PurposePatchBody,
): Promise<PurposeView> {
  return inTransaction(deps.db, async (trx) => {
    const before = await getPurpose(trx, code, true);
    if (!before) throw notFound('Finalité');
    const changes: Record<string, unknown> = {};
    for (const [field, column] of Object.entries(COLUMNS) as [keyof PurposePatchBody, string][]) {
      let value = patch[field];
      if (value === undefined) continue;
      if (typeof value === 'string') {
        value = value.trim();
        if (!value) throw validationError([{ field, message: 'ne peut pas être vide' }]);
      }
      if (value !== (before as unknown as Record<string, unknown>)[column]) changes[column] = value;
    }
    const fields = Object.entries(COLUMNS)
      .filter(([, column]) => column in changes)
      .map(([field]) => field);
    if (!fields.length) return presentPurpose(before);
    if ('text' in changes) changes.text_version = before.text_version + 1;
    const row = await updatePurposeRow(trx, code, { ...changes, updated_at: deps.now() });
    await recordAudit(trx, actor, {
      action: 'consent_purpose.updated',
      recordType: 'consent_purpose',
      recordId: code,
      data: { fields, textVersion: row.text_version },
    });
    return presentPurpose(row);
  });
}
