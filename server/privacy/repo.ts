import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import type { JobRow } from '../jobs/index.js';
import { paginate } from '../shared/pagination.js';

/**
 * Data access of the privacy capability: requests, the participant's lifecycle row, audit reads,
 * the archive door's checks, the export's files, the product-file sweeps, retention runs.
 */

export interface RequestRow extends Record<string, unknown> {
  id: string;
  reference: string;
  participant_id: string | null;
  participant_reference: string | null;
  kind: string;
  received_on: string;
  channel: string;
  requester_note: string | null;
  due_on: string;
  status: 'open' | 'completed' | 'refused';
  outcome_code: string | null;
  outcome_note: string | null;
  completed_on: string | null;
  created_at: Date;
}

const REQUEST_COLUMNS = [
  'r.id',
  'r.reference',
  'r.participant_id',
  'p.reference as participant_reference',
  'r.kind',
  'r.received_on',
  'r.channel',
  'r.requester_note',
  'r.due_on',
  'r.status',
  'r.outcome_code',
  'r.outcome_note',
  'r.completed_on',
  'r.created_at',
];

function requests(db: Db) {
  return db('privacy_requests as r').leftJoin('participants as p', 'p.id', 'r.participant_id').select(REQUEST_COLUMNS);
}

export function listRequests(
  db: Db,
  f: { status?: string; kind?: string; participantId?: string; limit?: string; cursor?: string; sort?: string },
) {
  const q = requests(db);
  if (f.status) q.where('r.status', f.status);
  if (f.kind) q.where('r.kind', f.kind);
  if (f.participantId) q.where('r.participant_id', f.participantId);
  return paginate<RequestRow>(
    q,
    f,
    { columns: { dueOn: 'r.due_on', receivedOn: 'r.received_on' }, default: 'dueOn' },
    'r.id',
  );
}

export async function getRequest(db: Db, id: string, forUpdate = false): Promise<RequestRow | undefined> {
  const q = requests(db).where('r.id', id).first();
  return (await (forUpdate ? q.forUpdate('r') : q)) as RequestRow | undefined;
}

export async function requestsOfParticipant(db: Db, participantId: string): Promise<RequestRow[]> {
  return (await requests(db)
    .where('r.participant_id', participantId)
    .orderBy('r.received_on', 'desc')
    .orderBy('r.id')) as RequestRow[];
}

export async function openRequests(db: Db, limit = 50): Promise<RequestRow[]> {
  return (await requests(db)
    .where('r.status', 'open')
    .orderBy('r.due_on')
    .orderBy('r.id')
    .limit(limit)) as RequestRow[];
}

export async function insertRequest(
  trx: Db,
  row: {
    participant_id: string | null;
    kind: string;
    received_on: string;
    channel: string;
    requester_note: string | null;
    due_on: string;
    created_by: string | null;
    now: Date;
  },
): Promise<string> {
  const { now, ...fields } = row;
  const [inserted] = await trx('privacy_requests')
    .insert({ ...fields, created_at: now, updated_at: now })
    .returning('id');
  return inserted.id as string;
}

export async function closeRequest(
  trx: Db,
  id: string,
  fields: {
    status: 'completed' | 'refused';
    outcome_code: string;
    outcome_note: string | null;
    completed_on: string;
    handled_by: string | null;
    now: Date;
  },
): Promise<void> {
  const { now, ...rest } = fields;
  await trx('privacy_requests')
    .where({ id })
    .update({ ...rest, updated_at: now });
}

export interface ParticipantLifecycleRow {
  id: string;
  reference: string;
  status: 'active' | 'archived' | 'anonymised';
  first_name: string | null;
  last_name: string | null;
  last_contact_at: Date;
  archived_at: Date | null;
  anonymised_at: Date | null;
}

export async function getParticipantLifecycle(
  db: Db,
  id: string,
  forUpdate = false,
): Promise<ParticipantLifecycleRow | undefined> {
  const q = db('participants')
    .where({ id })
    .first('id', 'reference', 'status', 'first_name', 'last_name', 'last_contact_at', 'archived_at', 'anonymised_at');
  return (await (forUpdate ? q.forUpdate() : q)) as ParticipantLifecycleRow | undefined;
}

/** Reads and exports that the DPO watches (audit of exports and of reads of archived data: docs/domain.md#users-and-roles). */
export const WATCHED_ACTIONS = [
  'participant.exported',
  'participant.archived_read',
  'privacy.register_exported',
] as const;

export interface WatchedEventRow {
  occurred_at: Date;
  action: string;
  record_type: string | null;
  record_id: string | null;
  data: Record<string, unknown>;
  actor_name: string | null;
  actor_roles: string[] | null;
  participant_reference: string | null;
}

function watched(db: Db) {
  return (
    db('audit_events as e')
      .leftJoin('users as u', 'u.id', 'e.actor_user_id')
      // The record id is text (any record); a participant's is a uuid, compared as one so that the
      // participants' primary key finds it (p.id::text = … read every participant).
      .joinRaw(
        "LEFT JOIN participants p ON p.id = CASE WHEN e.record_type = 'participant' AND e.record_id ~ '^[0-9a-f-]{36}$' THEN e.record_id::uuid END",
      )
      .select(
        'e.occurred_at',
        'e.action',
        'e.record_type',
        'e.record_id',
        'e.data',
        'u.name as actor_name',
        'u.roles as actor_roles',
        'p.reference as participant_reference',
      )
  );
}

export async function watchedEventsSince(db: Db, since: Date, limit = 100): Promise<WatchedEventRow[]> {
  return (await watched(db)
    .whereIn('e.action', WATCHED_ACTIONS as unknown as string[])
    .where('e.occurred_at', '>=', since)
    .orderBy('e.occurred_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)) as WatchedEventRow[];
}

/** Who read this participant's archived data, oldest first. */
export async function archivedReadsOf(db: Db, participantId: string): Promise<WatchedEventRow[]> {
  return (await watched(db)
    .where({ 'e.action': 'participant.archived_read', 'e.record_type': 'participant', 'e.record_id': participantId })
    .orderBy('e.occurred_at')
    .orderBy('e.id')) as WatchedEventRow[];
}

/** The rows of one participant's access export: the person (with the partner's name), consents, payees. */
export async function participantExportRows(db: Db, participantId: string) {
  const p = await db('participants as p')
    .leftJoin('partners as pa', 'pa.id', 'p.partner_id')
    .where('p.id', participantId)
    .first('p.*', 'pa.name as partner_name');
  if (!p) return null;
  const consents = await db('consents as c')
    .join('consent_purposes as cp', 'cp.code', 'c.purpose_code')
    .leftJoin('files as f', 'f.id', 'c.evidence_file_id')
    .where('c.participant_id', participantId)
    .orderBy('c.given_on')
    .orderBy('c.created_at')
    .select(
      'c.purpose_code',
      'cp.label',
      'c.legal_basis',
      'c.text_version',
      'c.channel',
      'c.given_on',
      'c.expires_on',
      'c.withdrawn_on',
      'c.withdrawal_channel',
      'c.evidence_file_id',
      'f.erased_at as evidence_erased_at',
    );
  const payees = await db('payees')
    .where({ participant_id: participantId })
    .orderBy('created_at')
    .select('kind', 'name', 'iban_masked', 'bic', 'active', 'created_at');
  return { p, consents, payees };
}

export async function consentPurposes(db: Db): Promise<
  {
    code: string;
    label: string;
    legal_basis: string;
    special_category: boolean;
    text_version: number;
    validity_months: number | null;
  }[]
> {
  return db('consent_purposes')
    .where({ active: true })
    .orderBy('position')
    .select('code', 'label', 'legal_basis', 'special_category', 'text_version', 'validity_months');
}

/** Merging two records of one person: the source's privacy requests move to the kept record. Returns how many moved. */
export async function movePrivacyRequests(trx: Db, sourceId: string, keptId: string): Promise<number> {
  return trx('privacy_requests').where({ participant_id: sourceId }).update({ participant_id: keptId });
}

/**
 * Ids of the archived participants (not merged into another) among those the subqueries name
 * (`participantSql`, each with `?` bindings, in order), for the archive door.
 */
export async function archivedParticipantIdsAmong(
  db: Db,
  participantSql: string[],
  bindings: Knex.RawBinding[],
): Promise<string[]> {
  const { rows } = await db.raw(
    `SELECT id FROM participants WHERE status = 'archived' AND merged_into_id IS NULL AND id IN (${participantSql.join(' UNION ')})`,
    bindings,
  );
  return (rows as { id: string }[]).map((r) => r.id);
}

/** How many archived participants (not merged into another) the subquery `participantIds` names. */
export async function countArchivedAmong(
  trx: Db,
  participantIds: { sql: string; bindings: unknown[] },
): Promise<number> {
  const { rows } = await trx.raw(
    `SELECT count(*)::int AS n FROM participants WHERE status = 'archived' AND merged_into_id IS NULL AND id IN (${participantIds.sql})`,
    participantIds.bindings as never[],
  );
  return Number(rows[0].n);
}

/** The content of a file not erased, for the export ZIP; undefined when the file is gone or erased. */
export async function liveFileContent(db: Db, fileId: string): Promise<{ content: Buffer | null } | undefined> {
  return (await db('files').where({ id: fileId }).whereNull('erased_at').first('content')) as
    { content: Buffer | null } | undefined;
}

/** Outbox messages of people whose data the lifecycle has erased (archived or anonymised). */
const ERASED_PEOPLE_MESSAGES = `SELECT o.message_id FROM outbox_messages o JOIN participants p ON p.id = o.participant_id WHERE p.status <> 'active'`;

/** Message ids of the outbox messages of these participants, when their data was erased. */
export async function erasedMessageIdsOfParticipants(db: Db, participantIds: string[]): Promise<string[]> {
  const { rows } = await db.raw(`${ERASED_PEOPLE_MESSAGES} AND o.participant_id = ANY(?::uuid[])`, [participantIds]);
  return (rows as { message_id: string }[]).map((r) => r.message_id);
}

/** Message ids of these outbox messages (by outbox id) whose person's data was erased. */
export async function erasedMessageIdsOfOutbox(db: Db, outboxIds: string[]): Promise<string[]> {
  const { rows } = await db.raw(`${ERASED_PEOPLE_MESSAGES} AND o.id = ANY(?::uuid[])`, [outboxIds]);
  return (rows as { message_id: string }[]).map((r) => r.message_id);
}

/** Past runs of the job `kind` (retention), newest first. */
export async function listJobsOfKind(db: Db, kind: string, limit: number): Promise<JobRow[]> {
  return (await db('jobs').where({ kind }).orderBy('created_at', 'desc').limit(limit)) as JobRow[];
}

/** True when a daily run of the job `kind` was created on `now`'s day in the time zone. */
export async function hasDailyRunOn(db: Db, kind: string, timeZone: string, now: Date): Promise<boolean> {
  const { rows } = await db.raw(
    `SELECT 1 FROM jobs WHERE kind = ? AND params->>'trigger' = 'daily'
       AND (created_at AT TIME ZONE ?)::date = (?::timestamptz AT TIME ZONE ?)::date LIMIT 1`,
    [kind, timeZone, now, timeZone],
  );
  return rows.length > 0;
}
