import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { AppError, notFound, type ErrorDetail } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { communeByCode } from '../shared/communes.js';
import { normalisePhone, PHONE_MESSAGE } from '../shared/phone.js';
import { recordAudit } from '../audit/index.js';
import type { PartnerCreateBody, PartnerPatchBody } from './schemas.js';
import { findPartnerIdByName, getPartner, insertPartner, lockPartner, updatePartnerRow } from './repo.js';
import { presentPartner } from './presenter.js';
import { partnersError } from './errors.js';

const COLUMNS: Record<string, string> = {
  name: 'name',
  kind: 'kind',
  contactName: 'contact_name',
  email: 'email',
  phone: 'phone',
  addressLine1: 'address_line1',
  postalCode: 'postal_code',
  communeInsee: 'commune_insee',
  notes: 'notes',
  active: 'active',
};

const clean = (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? null : v.trim().replace(/\s+/g, ' ')) : v);

/** Input fields → column values, trimmed and checked, with one French message per wrong field. */
export function checkPartnerInput(input: Partial<PartnerCreateBody>): {
  values: Record<string, unknown>;
  details: ErrorDetail[];
} {
  const values: Record<string, unknown> = {};
  const details: ErrorDetail[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || !COLUMNS[field]) continue;
    values[COLUMNS[field]] = field === 'notes' && typeof value === 'string' ? value.trim() || null : clean(value);
  }
  if ('name' in values && !values.name) details.push({ field: 'name', message: 'champ obligatoire' });
  if (typeof values.phone === 'string') {
    const phone = normalisePhone(values.phone);
    if (phone) values.phone = phone;
    else details.push({ field: 'phone', message: PHONE_MESSAGE });
  }
  if (typeof values.postal_code === 'string' && !/^\d{5}$/.test(values.postal_code))
    details.push({ field: 'postalCode', message: 'doit comporter 5 chiffres' });
  if ('commune_insee' in values) {
    if (values.commune_insee === null) values.commune_name = null;
    else {
      const commune = communeByCode(String(values.commune_insee));
      if (commune) {
        values.commune_insee = commune.code;
        values.commune_name = commune.name;
      } else details.push({ field: 'communeInsee', message: 'code INSEE inconnu' });
    }
  }
  return { values, details };
}

function toColumns(input: PartnerCreateBody | PartnerPatchBody): Record<string, unknown> {
  const { values, details } = checkPartnerInput(input);
  if (details.length) throw new AppError('validation_failed', undefined, details);
  return values;
}

const nameTaken = () =>
  partnersError('partner_name_taken', [{ field: 'name', message: 'une structure relais porte déjà ce nom' }]);

/** Creates a partner (structure relais); its name is unique whatever the case. */
export async function createPartner(deps: Deps, acting: Acting, input: PartnerCreateBody) {
  const values = toColumns(input);
  const { now } = acting;
  return inTransaction(deps.db, async (trx) => {
    // Serialise creations so that two people cannot add the same name at once.
    await trx.raw('SELECT pg_advisory_xact_lock(727100601)');
    if (await findPartnerIdByName(trx, String(values.name))) throw nameTaken();
    const id = await insertPartner(trx, {
      ...values,
      created_by: acting.actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, acting, {
      action: 'partner.created',
      recordType: 'partner',
      recordId: id,
      data: { fields: Object.keys(input) },
    });
    return presentPartner((await getPartner(trx, id))!, acting.actor);
  });
}

/** Changes partner `id` with `patch`; `active: false` deactivates it (its participants keep the link). */
export async function updatePartner(deps: Deps, acting: Acting, input: { id: string; patch: PartnerPatchBody }) {
  const { id, patch } = input;
  const values = toColumns(patch);
  return inTransaction(deps.db, async (trx) => {
    const before = await lockPartner(trx, id);
    if (!before) throw notFound('Structure relais');
    if (typeof values.name === 'string') {
      await trx.raw('SELECT pg_advisory_xact_lock(727100601)');
      if (await findPartnerIdByName(trx, values.name, id)) throw nameTaken();
    }
    await updatePartnerRow(trx, id, { ...values, updated_at: acting.now });
    const action =
      patch.active === false && before.active
        ? 'partner.deactivated'
        : patch.active === true && !before.active
          ? 'partner.reactivated'
          : 'partner.updated';
    await recordAudit(trx, acting, {
      action,
      recordType: 'partner',
      recordId: id,
      data: { fields: Object.keys(patch) },
    });
    return presentPartner((await getPartner(trx, id))!, acting.actor);
  });
}
