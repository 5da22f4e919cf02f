import type { Acting } from '../shared/acting.js';
import type { TSchema } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import type { RouteGuard, RouteSpec } from '../shared/http.js';
import type { HasRoles } from '../shared/authorize.js';
import type { AppError } from '../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import { REGISTRY } from './registry/registry.js';
import { archivedParticipantIdsAmong, countArchivedAmong } from './repo.js';

/**
 * Who may open the restricted archive (docs/domain.md#restricted-archive) and the refusal of anyone else: the one list,
 * kept by participants' policy (`canReadArchived`, `archivedRestricted`). The composition root
 * (app.ts) hands it to the door, so privacy does not import participants, which import consents,
 * which read privacy's registry.
 */
export interface ArchiveRule {
  canReadArchived(actor: HasRoles | null): boolean;
  archivedRestricted(): AppError;
}

/**
 * The SQL that names the participant behind one row of `table` (one `?`: the row id), derived
 * from the registry's `participantLink` of that table; null when the table is not linked to
 * participants. A link of another shape fails `archiveDoorCoverage` (tested), so a new table
 * cannot slip past the door unnoticed.
 */
export function participantOfRowSql(table: string): string | null {
  const link = REGISTRY[table]?.participantLink;
  if (!link) return null;
  if (link === 'id = ANY(?::uuid[])') return `SELECT id FROM ${table} WHERE id = ?`;
  if (link === 'participant_id = ANY(?::uuid[])') return `SELECT participant_id FROM ${table} WHERE id = ?`;
  const via = /^(\w+) IN \(SELECT id FROM (\w+) WHERE participant_id = ANY\(\?::uuid\[\]\)\)$/.exec(link);
  if (via) return `SELECT o.participant_id FROM ${table} t JOIN ${via[2]} o ON o.id = t.${via[1]} WHERE t.id = ?`;
  throw new Error(`archive door: the participant link of ${table} has a shape the door cannot read: ${link}`);
}

/** The path parameters of a route that identify a row of a participant-linked table, with that table. */
export function participantScopedParams(spec: RouteSpec): { param: string; table: string }[] {
  const props =
    (spec.params as (TSchema & { properties?: Record<string, TSchema & { 'x-record'?: string }> }) | undefined)
      ?.properties ?? {};
  return Object.entries(props)
    .map(([param, s]) => ({ param, table: s['x-record'] ?? '' }))
    .filter((p) => p.table && participantOfRowSql(p.table) !== null);
}

/**
 * The one door of the restricted archive, run by the HTTP layer before every handler whose
 * path names a row of a participant-linked table (from the route's `RecordId` types and the
 * registry — no hand list of routes). When the row belongs to an archived person (not merged
 * into another): finance and the DPO go through and each request records one
 * `participant.archived_read` per archived person; anyone else gets 403 `archived_restricted`.
 * A row that does not exist passes, and the handler answers 404 as usual.
 */
export function archiveDoor(deps: Deps, { canReadArchived, archivedRestricted }: ArchiveRule): RouteGuard {
  return async (spec, req) => {
    const scoped = participantScopedParams(spec);
    if (!scoped.length) return;
    const params = req.params as Record<string, string>;
    const parts = scoped.map((p) => `(${participantOfRowSql(p.table)})`);
    const archivedIds = await archivedParticipantIdsAmong(
      deps.db,
      parts,
      scoped.map((p) => params[p.param]),
    );
    if (!archivedIds.length) return;
    const { acting } = req.ctx;
    if (!canReadArchived(acting.actor)) throw archivedRestricted();
    const via = `${spec.method.toUpperCase()} ${spec.path}`;
    await inTransaction(deps.db, async (trx) => {
      for (const id of archivedIds)
        await recordAudit(trx, acting, {
          action: 'participant.archived_read',
          recordType: 'participant',
          recordId: id,
          data: { via },
        });
    });
  };
}

/**
 * The door for exports that gather many people (a batch file, a grant's evidence ZIP): when
 * the people behind it (`participantIds`, a subquery with its bindings) include archived ones,
 * one `participant.archived_read` event on the exported record names how many. Call it in the
 * transaction that audits the export, as the acting.
 */
export async function auditArchivedInExport(
  trx: Db,
  acting: Acting,
  exported: { recordType: string; recordId: string; via: string },
  participantIds: { sql: string; bindings: unknown[] },
): Promise<number> {
  const count = await countArchivedAmong(trx, participantIds);
  if (count > 0)
    await recordAudit(trx, acting, {
      action: 'participant.archived_read',
      recordType: exported.recordType,
      recordId: exported.recordId,
      data: { via: exported.via, archivedCount: count },
    });
  return count;
}
