import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { HasRoles } from '../shared/authorize.js';
import type { Acting } from '../shared/acting.js';
import { notFound } from '../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import { getParticipant, listParticipants, type ListFilters, type SearchScope } from './repo.js';
import { presentParticipant, type ParticipantRow } from './presenter.js';
import { assertMayReadArchived, readableGroups } from './policy.js';
import { participantsError } from './errors.js';

/**
 * One participant (`input.id`) as the acting reader may see it. An archived record is readable
 * by finance and the DPO only (403 `archived_restricted` for others). Routes reach it through
 * the archive door (privacy/archive-door.ts), which audits the read; this check stays for
 * callers without a route (`input.via`).
 */
export async function readParticipant(
  deps: Deps,
  acting: Acting,
  input: { id: string; via: 'api' | 'page' | 'lookup' },
): Promise<{ row: ParticipantRow; view: ReturnType<typeof presentParticipant> }> {
  const { id, via } = input;
  const row = await getParticipant(deps.db, id);
  if (!row) throw notFound('Participant');
  if (row.status === 'archived' && !row.merged_into_id) {
    assertMayReadArchived(acting.actor);
    // A record found another way than by the route's id (a merge looks a reference up) did not
    // pass the door: its read is audited here.
    if (via === 'lookup')
      await recordAudit(deps.db, acting, {
        action: 'participant.archived_read',
        recordType: 'participant',
        recordId: id,
        data: { via },
      });
  }
  return { row, view: presentParticipant(row, acting.actor) };
}

/** How far a reader's search may look (an auditor cannot probe e-mails or names). */
export function searchScopeOf(reader: Pick<HasRoles, 'roles'> | null): SearchScope {
  const groups = readableGroups(reader);
  return groups.has('contact') ? 'full' : groups.has('identity') ? 'identity' : 'minimal';
}

/**
 * A page of participants as the acting reader may see them. Listing archived records is for
 * finance and the DPO, and audits one read per record shown; filtering on needs is for the
 * roles that may read needs.
 */
export async function listForReader(deps: Deps, acting: Acting, filters: ListFilters) {
  const reader = acting.actor;
  if (filters.status === 'archived') assertMayReadArchived(reader);
  if (filters.hasNeeds && !readableGroups(reader).has('needs')) throw participantsError('needs_filter_forbidden');
  const page = await listParticipants(deps.db, filters, searchScopeOf(reader));
  if (filters.status === 'archived' && page.items.length) {
    await inTransaction(deps.db, async (trx) => {
      for (const r of page.items)
        await recordAudit(trx, acting, {
          action: 'participant.archived_read',
          recordType: 'participant',
          recordId: r.id,
          data: { via: 'list' },
        });
    });
  }
  return { rows: page.items, items: page.items.map((r) => presentParticipant(r, reader)), nextCursor: page.nextCursor };
}
