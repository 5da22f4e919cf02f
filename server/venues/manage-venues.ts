import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { VenueCreateBody, VenuePatchBody } from './schemas.js';
import { getVenue, insertVenue, updateVenueRow, VENUE_COLUMNS } from './repo.js';
import { presentVenue } from './presenter.js';

function toColumns(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input))
    if (v !== undefined && VENUE_COLUMNS[k]) out[VENUE_COLUMNS[k]] = typeof v === 'string' ? v.trim() : v;
  return out;
}

export async function createVenue(deps: Deps, acting: Acting, input: VenueCreateBody) {
  const { now } = acting;
  return inTransaction(deps.db, async (trx) => {
    const columns = toColumns(input);
    if (input.costMode === 'free') columns.cost_cents = 0;
    const row = await insertVenue(trx, {
      ...columns,
      created_by: acting.actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, acting, { action: 'venue.created', recordType: 'venue', recordId: row.id });
    return presentVenue((await getVenue(trx, row.id))!);
  });
}

export async function updateVenue(deps: Deps, acting: Acting, input: { id: string; patch: VenuePatchBody }) {
  const { id, patch } = input;
  return inTransaction(deps.db, async (trx) => {
    if (!(await getVenue(trx, id))) throw notFound('Lieu');
    const columns = toColumns(patch);
    if (patch.costMode === 'free') columns.cost_cents = 0;
    await updateVenueRow(trx, id, { ...columns, updated_at: acting.now });
    await recordAudit(trx, acting, {
      action: 'venue.updated',
      recordType: 'venue',
      recordId: id,
      data: { fields: Object.keys(patch) },
    });
    return presentVenue((await getVenue(trx, id))!);
  });
}
