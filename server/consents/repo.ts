import type { Db } from '../shared/db.js';
import type { LegalBasis } from './schemas.js';

export interface PurposeRow {
  code: string;
  label: string;
  text: string;
  legal_basis: LegalBasis;
  special_category: boolean;
  text_version: number;
  validity_months: number | null;
  active: boolean;
  position: number;
  updated_at: Date;
}

export interface ConsentRow {
  id: string;
  participant_id: string;
  purpose_code: string;
  purpose_label: string;
  legal_basis: LegalBasis;
  text_version: number;
  channel: 'paper' | 'oral' | 'online';
  witness_user_id: string | null;
  witness_name: string | null;
  given_on: string;
  expires_on: string | null;
  evidence_file_id: string | null;
  has_evidence: boolean;
  withdrawn_on: string | null;
  withdrawal_channel: 'paper' | 'oral' | 'online' | 'email' | 'phone' | null;
  superseded_by: string | null;
  created_at: Date;
}

export interface ConsentParticipant {
  id: string;
  reference: string;
  status: string;
  first_name: string | null;
  last_name: string | null;
  address_line1: string | null;
  address_line2: string | null;
  postal_code: string | null;
  commune_name: string | null;
  is_minor: boolean;
  partner_id: string | null;
  merged_into_id: string | null;
}

const PARTICIPANT_COLUMNS = [
  'id',
  'reference',
  'status',
  'first_name',
  'last_name',
  'address_line1',
  'address_line2',
  'postal_code',
  'commune_name',
  'is_minor',
  'partner_id',
  'merged_into_id',
];

export async function getParticipant(db: Db, id: string, forUpdate = false): Promise<ConsentParticipant | undefined> {
  const q = db('participants').where({ id }).first(PARTICIPANT_COLUMNS);
  return forUpdate ? q.forUpdate() : q;
}

export async function listPurposes(db: Db, options: { activeOnly?: boolean } = {}): Promise<PurposeRow[]> {
  const q = db('consent_purposes')
    .orderBy([{ column: 'position' }, { column: 'code' }])
    .select('*');
  if (options.activeOnly) q.where({ active: true });
  return q;
}

export async function getPurpose(db: Db, code: string, forUpdate = false): Promise<PurposeRow | undefined> {
  const q = db('consent_purposes').where({ code }).first('*');
  return forUpdate ? q.forUpdate() : q;
}

export async function updatePurposeRow(db: Db, code: string, values: Record<string, unknown>): Promise<PurposeRow> {
  const [row] = await db('consent_purposes').where({ code }).update(values).returning('*');
  return row;
}

function consentQuery(db: Db) {
  return db('consents as c')
    .join('consent_purposes as cp', 'cp.code', 'c.purpose_code')
    .leftJoin('users as w', 'w.id', 'c.witness_user_id')
    .leftJoin('files as f', 'f.id', 'c.evidence_file_id')
    .select(
      'c.id',
      'c.participant_id',
      'c.purpose_code',
      'c.legal_basis',
      'c.text_version',
      'c.channel',
      'c.witness_user_id',
      'c.given_on',
      'c.expires_on',
      'c.evidence_file_id',
      'c.withdrawn_on',
      'c.withdrawal_channel',
      'c.superseded_by',
      'c.created_at',
    )
    .select({ purpose_label: 'cp.label', witness_name: 'w.name' })
    .select(db.raw('(f.content IS NOT NULL) AS has_evidence'));
}

/** Every consent of a participant, live or not, newest first. */
export async function listConsents(db: Db, participantId: string): Promise<ConsentRow[]> {
  return consentQuery(db)
    .where('c.participant_id', participantId)
    .orderBy([
      { column: 'c.given_on', order: 'desc' },
      { column: 'c.created_at', order: 'desc' },
      { column: 'c.id', order: 'desc' },
    ]);
}

export async function getConsent(db: Db, id: string): Promise<ConsentRow | undefined> {
  return consentQuery(db).where('c.id', id).first();
}

/** The consent neither withdrawn nor superseded for this purpose (expired or not), locked. */
export async function lockUnreplacedConsent(
  db: Db,
  participantId: string,
  purposeCode: string,
): Promise<{ id: string; given_on: string } | undefined> {
  return db('consents')
    .where({ participant_id: participantId, purpose_code: purposeCode })
    .whereNull('withdrawn_on')
    .whereNull('superseded_by')
    .forUpdate()
    .first('id', 'given_on');
}

export async function insertConsent(db: Db, values: Record<string, unknown>): Promise<string> {
  const [row] = await db('consents').insert(values).returning('id');
  return row.id;
}

export async function setSupersededBy(db: Db, id: string, supersededBy: string | null): Promise<void> {
  await db('consents').where({ id }).update({ superseded_by: supersededBy });
}

export async function markWithdrawn(
  db: Db,
  id: string,
  values: { withdrawn_on: string; withdrawal_channel: string; withdrawn_by: string | null },
): Promise<void> {
  await db('consents').where({ id }).update(values);
}

export async function lockConsent(db: Db, id: string): Promise<{ id: string; participant_id: string } | undefined> {
  return db('consents').where({ id }).forUpdate().first('id', 'participant_id');
}

/** Purpose codes with a consent given by `today`, neither withdrawn, superseded nor expired. */
export async function livePurposeCodes(db: Db, participantId: string, today: string): Promise<string[]> {
  const rows = await db('consents')
    .where({ participant_id: participantId })
    .whereNull('withdrawn_on')
    .whereNull('superseded_by')
    .where('given_on', '<=', today)
    .where((w) => w.whereNull('expires_on').orWhere('expires_on', '>', today))
    .distinct('purpose_code');
  return rows.map((r: { purpose_code: string }) => r.purpose_code);
}

/** Of these participants, those with a live consent for this purpose on `today`. */
export async function participantsWithLivePurpose(
  db: Db,
  participantIds: string[],
  purposeCode: string,
  today: string,
): Promise<string[]> {
  if (!participantIds.length) return [];
  return db('consents')
    .whereIn('participant_id', participantIds)
    .where({ purpose_code: purposeCode })
    .whereNull('withdrawn_on')
    .whereNull('superseded_by')
    .where('given_on', '<=', today)
    .where((w) => w.whereNull('expires_on').orWhere('expires_on', '>', today))
    .distinct()
    .pluck('participant_id');
}

export async function isActiveStaff(db: Db, userId: string): Promise<boolean> {
  return !!(await db('users').where({ id: userId, active: true }).whereRaw("'staff' = ANY(roles)").first('id'));
}

/** Active staff members who may witness an oral consent. */
export async function listActiveStaff(db: Db): Promise<{ id: string; name: string }[]> {
  return db('users').where({ active: true }).whereRaw("'staff' = ANY(roles)").orderBy('name').select('id', 'name');
}

/**
 * Moves the source's consents to the kept record. Where both hold a live consent for one
 * purpose, the older is superseded by the newer (one live consent per purpose and person).
 */
export async function moveConsents(trx: Db, sourceId: string, keptId: string): Promise<number> {
  const live = await trx('consents')
    .whereIn('participant_id', [sourceId, keptId])
    .whereNull('withdrawn_on')
    .whereNull('superseded_by')
    .orderBy([
      { column: 'given_on', order: 'desc' },
      { column: 'created_at', order: 'desc' },
    ])
    .select('id', 'purpose_code');
  const newest = new Map<string, string>();
  for (const c of live) {
    const keep = newest.get(c.purpose_code);
    if (!keep) newest.set(c.purpose_code, c.id);
    else await trx('consents').where({ id: c.id }).update({ superseded_by: keep });
  }
  return trx('consents').where({ participant_id: sourceId }).update({ participant_id: keptId });
}
