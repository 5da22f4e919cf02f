import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound, validationError } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
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
 * Edits purpose `input.code` of the catalogue (`input.patch`). A new text raises the text
 * version: consents keep the version the person agreed to, so older consents still say what
 * was read or heard.
 */
export async function updatePurposeIn(
  trx: Knex.Transaction,
  _deps: Deps,
  acting: Acting,
  { code, patch }: { code: string; patch: PurposePatchBody },
): Promise<PurposeView> {
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
  const row = await updatePurposeRow(trx, code, { ...changes, updated_at: acting.now });
  await recordAudit(trx, acting, {
    action: 'consent_purpose.updated',
    recordType: 'consent_purpose',
    recordId: code,
    data: { fields, textVersion: row.text_version },
  });
  return presentPurpose(row);
}

/** `updatePurposeIn` in a transaction of its own. */
export const updatePurpose = (deps: Deps, acting: Acting, input: { code: string; patch: PurposePatchBody }) =>
  inTransaction(deps.db, (trx) => updatePurposeIn(trx, deps, acting, input));
