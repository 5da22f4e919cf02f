import type { Db } from '../shared/db.js';
import type { PayeeKind } from './schemas.js';

export interface PayeeRow {
  id: string;
  participant_id: string;
  kind: PayeeKind;
  name: string | null;
  /** The stored name, or the participant's / partner's when none was given. */
  display_name: string | null;
  partner_id: string | null;
  iban_ciphertext: string | null;
  iban_key_id: string | null;
  iban_hash: string | null;
  iban_masked: string | null;
  iban_shared: boolean;
  bic: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface PayeeParticipant {
  id: string;
  reference: string;
  first_name: string | null;
  last_name: string | null;
  status: string;
  partner_id: string | null;
  merged_into_id: string | null;
}

/** The participant a payee belongs to (read from the participants table; no contact data). */
export async function getParticipant(db: Db, id: string): Promise<PayeeParticipant | undefined> {
  return db('participants')
    .where({ id })
    .first('id', 'reference', 'first_name', 'last_name', 'status', 'partner_id', 'merged_into_id');
}

export async function getPartner(
  db: Db,
  id: string,
): Promise<{ id: string; name: string; active: boolean } | undefined> {
  return db('partners').where({ id }).first('id', 'name', 'active');
}

export async function listActivePartners(db: Db): Promise<{ id: string; name: string }[]> {
  return db('partners').where({ active: true }).orderByRaw('lower(name)').select('id', 'name');
}

// Another participant's payee with the same keyed hash; a partner's own account used for
// several of the people it refers is expected, so it does not count.
const SHARED = `EXISTS (SELECT 1 FROM payees o WHERE o.iban_hash = py.iban_hash AND o.participant_id <> py.participant_id
  AND NOT (o.kind = 'partner' AND py.kind = 'partner' AND o.partner_id = py.partner_id))`;

function payeeQuery(db: Db) {
  return db('payees as py')
    .join('participants as pt', 'pt.id', 'py.participant_id')
    .leftJoin('partners as pr', 'pr.id', 'py.partner_id')
    .select(
      'py.id',
      'py.participant_id',
      'py.kind',
      'py.name',
      'py.partner_id',
      'py.iban_ciphertext',
      'py.iban_key_id',
      'py.iban_hash',
      'py.iban_masked',
      'py.bic',
      'py.active',
      'py.created_at',
      'py.updated_at',
    )
    .select(
      db.raw(
        `COALESCE(py.name, CASE py.kind WHEN 'participant' THEN NULLIF(concat_ws(' ', pt.first_name, pt.last_name), '') WHEN 'partner' THEN pr.name END) AS display_name`,
      ),
    )
    .select(db.raw(`${SHARED} AS iban_shared`));
}

export async function listPayees(db: Db, participantId: string): Promise<PayeeRow[]> {
  return payeeQuery(db)
    .where('py.participant_id', participantId)
    .orderBy([
      { column: 'py.active', order: 'desc' },
      { column: 'py.created_at', order: 'asc' },
      { column: 'py.id', order: 'asc' },
    ]);
}

export async function getPayee(db: Db, id: string): Promise<PayeeRow | undefined> {
  return payeeQuery(db).where('py.id', id).first();
}

export async function lockPayee(db: Db, id: string): Promise<{ id: string; participant_id: string } | undefined> {
  return db('payees').where({ id }).forUpdate().first('id', 'participant_id');
}

export async function insertPayee(db: Db, values: Record<string, unknown>): Promise<string> {
  const [row] = await db('payees').insert(values).returning('id');
  return row.id;
}

export async function updatePayeeRow(db: Db, id: string, values: Record<string, unknown>): Promise<void> {
  await db('payees').where({ id }).update(values);
}

/**
 * References of the other participants whose payees carry this keyed hash (no names: the
 * warning is shown to whoever enters the IBAN).
 */
export async function sharedIbanReferences(
  db: Db,
  hash: string,
  payee: { participant_id: string; kind: string; partner_id: string | null },
): Promise<string[]> {
  const rows = await db('payees as o')
    .join('participants as pt', 'pt.id', 'o.participant_id')
    .where('o.iban_hash', hash)
    .whereNot('o.participant_id', payee.participant_id)
    .modify((q) => {
      if (payee.kind === 'partner' && payee.partner_id)
        q.whereNot((w) => w.where('o.kind', 'partner').andWhere('o.partner_id', payee.partner_id));
    })
    .distinct('pt.reference')
    .orderBy('pt.reference');
  return rows.map((r: { reference: string }) => r.reference);
}
