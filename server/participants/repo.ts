import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import { paginate, type Page } from '../shared/pagination.js';
import { containsPattern, foldText, searchSource, wordPatterns } from '../shared/search.js';
import { normalisePhone, phoneDigits } from '../shared/phone.js';
import { communeCodesNamed } from '../shared/communes.js';
import { searchColumns, SEARCHED_COLUMNS, type SearchSources } from './search-columns.js';
import type { ParticipantRow } from './presenter.js';

/** Participants with their partner's name (`sort_name`, the folded "last first", is a stored column). */
function participantsRows(db: Db) {
  return db('participants as p')
    .leftJoin('partners as pa', 'pa.id', 'p.partner_id')
    .select('p.*', 'pa.name as partner_name');
}

function participantsQuery(db: Db, rows = participantsRows(db)) {
  return db.from(rows.as('x')).select('x.*');
}

export async function getParticipant(db: Db, id: string): Promise<ParticipantRow | undefined> {
  return (await participantsQuery(db).where('x.id', id).first()) as ParticipantRow | undefined;
}

/** The participant row under a row lock, for a change in the caller's transaction. */
export async function lockParticipant(db: Db, id: string): Promise<ParticipantRow | undefined> {
  return (await db('participants').where({ id }).forUpdate().first()) as ParticipantRow | undefined;
}

export async function getByReference(db: Db, reference: string): Promise<{ id: string } | undefined> {
  return db('participants').where('reference', reference.trim().toUpperCase()).first('id');
}

/** Which fields a search may look into: the reader's roles decide (no search by e-mail for an auditor). */
export type SearchScope = 'full' | 'identity' | 'minimal';

export interface ListFilters {
  q?: string;
  partnerId?: string;
  status?: 'active' | 'archived' | 'anonymised';
  communeInsee?: string;
  hasNeeds?: 'true' | 'false';
  limit?: string;
  cursor?: string;
  sort?: string;
}

/** The conditions of the list (on participants as `p`): status, live record, search, filters. */
function listConditions(f: ListFilters, scope: SearchScope): (q: Knex.QueryBuilder) => void {
  const q = f.q?.trim();
  return (query) => {
    query.whereNull('p.merged_into_id').where('p.status', f.status ?? 'active');
    if (q) query.where((w) => searchCondition(w, q, scope));
    if (f.partnerId) query.where('p.partner_id', f.partnerId);
    if (f.communeInsee) query.where('p.commune_insee', f.communeInsee);
    if (f.hasNeeds === 'true') query.whereRaw('cardinality(p.needs) > 0');
    if (f.hasNeeds === 'false') query.whereRaw('cardinality(p.needs) = 0');
  };
}

const isDigits = (q: string) => /^[\d\s.+()-]+$/.test(q);

/**
 * What was typed, found in the reference, the partner's name, the commune's name, the folded
 * name (every word, any order: "élodie mar" finds Martin Élodie), the e-mail or the phone,
 * as far as the reader's scope allows. Each branch reads an index (trigram, or btree on the
 * partner and commune codes), so the planner ORs bitmaps instead of scanning every participant;
 * digits are a phone number or a reference, never a name (a branch that cannot match would
 * only blur the planner's estimates).
 */
function searchCondition(w: Knex.QueryBuilder, q: string, scope: SearchScope): void {
  const digitsOnly = isDigits(q);
  w.whereILike('p.reference', containsPattern(q));
  if (!digitsOnly) {
    w.orWhereRaw('p.partner_id = ANY(ARRAY(SELECT id FROM partners WHERE sort_name LIKE ?))', [
      containsPattern(foldText(q)),
    ]);
    const communes = communeCodesNamed(q);
    // Through ARRAY(…), the planner does not count each code as used (hundreds of communes
    // match "martin", few of them have participants): it would expect a large share of the table.
    if (communes.length) w.orWhereRaw('p.commune_insee = ANY(ARRAY(SELECT unnest(?::text[])))', [communes]);
  }
  if (scope !== 'minimal' && !digitsOnly)
    w.orWhere((name) => {
      for (const pattern of wordPatterns(q)) name.where('p.sort_name', 'like', pattern);
    });
  if (scope !== 'full') return;
  const digits = searchedDigits(q);
  if (digits === '') return;
  w.orWhere('p.search_contact', 'like', containsPattern(digits ?? foldText(q)));
}

/** The phone digits a search means (`+33 6 12…` → `0612…`), '' for digits too few, null for text. */
function searchedDigits(q: string): string | null {
  const phone = normalisePhone(q);
  if (phone) return phoneDigits(phone);
  return isDigits(q) ? phoneDigits(q) : null;
}

/** True when the trigram indexes can narrow the search: a word of three characters at least. */
function indexable(q: string): boolean {
  const digits = searchedDigits(q);
  if (digits !== null) return digits.length >= 3 || q.replace(/\s/g, '').length >= 3;
  return foldText(q)
    .split(/\s+/)
    .some((w) => w.length >= 3);
}

/**
 * Live records only (merged ones are hidden), active by default; keyset pages. A search's
 * matches are sorted when they are few, walked along the sort index when they are many
 * (`searchSource`): either way a page reads a few thousand rows at most at scale 1.
 */
export async function listParticipants(
  db: Db,
  f: ListFilters,
  scope: SearchScope,
): Promise<Page<ParticipantRow & Record<string, unknown>>> {
  const where = listConditions(f, scope);
  const matches = () => participantsRows(db).modify(where);
  const q = f.q?.trim();
  const { source } = q && indexable(q) ? await searchSource(db, matches) : { source: matches() };
  return paginate<ParticipantRow & Record<string, unknown>>(
    participantsQuery(db, source),
    f,
    {
      columns: { lastName: 'x.sort_name', createdAt: 'x.created_at', reference: 'x.reference' },
      default: 'lastName',
    },
    'x.id',
  );
}

/** Inserts a participant (`values`: every column given, names and contacts included) with its search columns. */
export async function insertParticipant(
  db: Db,
  values: Record<string, unknown>,
): Promise<{ id: string; reference: string }> {
  const [row] = await db('participants')
    .insert({ ...values, ...searchColumns(values as SearchSources) })
    .returning(['id', 'reference']);
  return row;
}

/** Changes a participant's columns; when a name or a contact changes, its search columns follow in the same UPDATE. */
export async function updateParticipantRow(db: Db, id: string, values: Record<string, unknown>): Promise<void> {
  if (SEARCHED_COLUMNS.some((c) => c in values)) {
    const current = await db('participants').where({ id }).first(SEARCHED_COLUMNS);
    if (current) values = { ...values, ...searchColumns({ ...current, ...values } as SearchSources) };
  }
  await db('participants').where({ id }).update(values);
}

export interface DuplicateCandidate {
  id: string;
  reference: string;
  matches: ('email' | 'phone' | 'name_commune')[];
}

/**
 * Records that are probably the same person: same e-mail (any case), same phone, or same
 * last and first name (any case) in the same commune, among live, non-anonymised records.
 */
export async function findDuplicates(
  db: Db,
  who: {
    email: string | null;
    phone: string | null;
    firstName: string | null;
    lastName: string | null;
    communeInsee: string | null;
  },
  exceptId?: string,
): Promise<DuplicateCandidate[]> {
  const hasName = !!(who.firstName && who.lastName && who.communeInsee);
  if (!who.email && !who.phone && !hasName) return [];
  const rows = await db('participants')
    .whereNull('merged_into_id')
    .whereNot('status', 'anonymised')
    .modify((q) => {
      if (exceptId) q.whereNot('id', exceptId);
    })
    .where((w) => {
      if (who.email) w.orWhereRaw('lower(email) = lower(?)', [who.email]);
      if (who.phone) w.orWhere('phone', who.phone);
      if (hasName)
        w.orWhereRaw('(lower(last_name) = lower(?) AND lower(first_name) = lower(?) AND commune_insee = ?)', [
          who.lastName,
          who.firstName,
          who.communeInsee,
        ]);
    })
    .orderBy('created_at')
    .limit(10)
    .select('id', 'reference', 'email', 'phone', 'first_name', 'last_name', 'commune_insee');
  return (
    rows as {
      id: string;
      reference: string;
      email: string | null;
      phone: string | null;
      first_name: string | null;
      last_name: string | null;
      commune_insee: string | null;
    }[]
  ).map((r) => ({
    id: r.id,
    reference: r.reference,
    matches: [
      ...(who.email && r.email && r.email.toLowerCase() === who.email.toLowerCase() ? ['email' as const] : []),
      ...(who.phone && r.phone === who.phone ? ['phone' as const] : []),
      ...(hasName &&
      r.commune_insee === who.communeInsee &&
      r.last_name?.toLowerCase() === who.lastName!.toLowerCase() &&
      r.first_name?.toLowerCase() === who.firstName!.toLowerCase()
        ? ['name_commune' as const]
        : []),
    ],
  }));
}

/**
 * Communes where live participants live, for the list filter. Read by skipping from one commune
 * code to the next along the commune index (one probe per commune: bounded by the territory,
 * not by the number of people), rather than grouping every participant.
 */
export async function communesInUse(db: Db): Promise<{ code: string; name: string }[]> {
  const live = "p.status = 'active' AND p.merged_into_id IS NULL";
  const { rows } = await db.raw(
    `WITH RECURSIVE c AS (
       (SELECT p.commune_insee, p.commune_name FROM participants p
         WHERE ${live} AND p.commune_insee IS NOT NULL ORDER BY p.commune_insee LIMIT 1)
       UNION ALL
       SELECT n.commune_insee, n.commune_name FROM c CROSS JOIN LATERAL
         (SELECT p.commune_insee, p.commune_name FROM participants p
           WHERE ${live} AND p.commune_insee > c.commune_insee ORDER BY p.commune_insee LIMIT 1) n
     )
     SELECT commune_insee AS code, commune_name AS name FROM c ORDER BY commune_name, commune_insee`,
  );
  return rows as { code: string; name: string }[];
}

/**
 * What another capability reads of a person to write to them or to act for them: who they are,
 * how to reach them, what they need to take part, and whether the record is live. One type and
 * one reader for every capability (sessions, claims, payments), instead of each its own columns.
 */
export interface ParticipantContact {
  id: string;
  reference: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  preferred_channel: string;
  needs: string[];
  status: string;
  merged_into_id: string | null;
}

const CONTACT_COLUMNS = [
  'id',
  'reference',
  'first_name',
  'last_name',
  'email',
  'preferred_channel',
  'needs',
  'status',
  'merged_into_id',
];

export function participantContact(db: Db, id: string): Promise<ParticipantContact | undefined> {
  return db('participants').where({ id }).first(CONTACT_COLUMNS) as Promise<ParticipantContact | undefined>;
}

/**
 * The active, unmerged people among `ids` (archived or anonymised people are not invited, paid or
 * written to), in the order of `ids` (whichever index the planner reads them through).
 */
export function activeParticipantContacts(db: Db, ids: string[]): Promise<ParticipantContact[]> {
  return db('participants')
    .whereIn('id', ids)
    .where('status', 'active')
    .whereNull('merged_into_id')
    .orderByRaw('array_position(?::uuid[], id)', [ids])
    .select(CONTACT_COLUMNS) as unknown as Promise<ParticipantContact[]>;
}

/**
 * The person got in touch or took part (attendance, a reply to an invitation, a claim sent, a
 * consent given): it restarts the active retention period (docs/domain.md#last-contact). One rule for every
 * capability: the last contact only moves forward.
 */
export async function touchLastContact(db: Db, participantIds: string[], now: Date): Promise<void> {
  if (participantIds.length === 0) return;
  await db('participants')
    .whereIn('id', participantIds)
    .update({ last_contact_at: db.raw('GREATEST(last_contact_at, ?::timestamptz)', [now]) });
}

/** What withdrawing a consent erases on the person's record (the purpose's data). */
export async function eraseProfile(db: Db, participantId: string, now: Date): Promise<void> {
  await db('participants').where({ id: participantId }).update({
    profile_age_band: null,
    profile_activity: null,
    profile_household: null,
    profile_commune_insee: null,
    updated_at: now,
  });
}

export async function eraseNeeds(db: Db, participantId: string, now: Date): Promise<void> {
  await db('participants')
    .where({ id: participantId })
    .update({ needs: db.raw("'{}'::text[]"), needs_note: null, updated_at: now });
}

export async function setPreferredChannel(db: Db, participantId: string, channel: string, now: Date): Promise<void> {
  await db('participants').where({ id: participantId }).update({ preferred_channel: channel, updated_at: now });
}

/**
 * A participant's record: active → archived (restricted archive) → anonymised. Privacy's
 * retention and erasure decide when (docs/domain.md#personal-data-lifecycle); these are the only writes of the status.
 * The caller holds the rows' locks; a person already past the step is left as is.
 */
export async function markArchived(trx: Db, ids: string[], now: Date): Promise<void> {
  await trx.raw(
    `UPDATE participants SET status = 'archived', archived_at = ?, updated_at = ? WHERE id = ANY(?::uuid[]) AND status = 'active'`,
    [now, now, ids],
  );
}

export async function markAnonymised(trx: Db, ids: string[], now: Date): Promise<void> {
  await trx.raw(
    `UPDATE participants SET status = 'anonymised', anonymised_at = ?, updated_at = ? WHERE id = ANY(?::uuid[]) AND status <> 'anonymised'`,
    [now, now, ids],
  );
}

/** Records merged earlier into `sourceId` now point to `keptId`. */
export async function repointMergedInto(db: Db, sourceId: string, keptId: string, now: Date): Promise<void> {
  await db('participants').where({ merged_into_id: sourceId }).update({ merged_into_id: keptId, updated_at: now });
}

/** The merged record points to the kept one. */
export async function setMergedInto(db: Db, sourceId: string, keptId: string, now: Date): Promise<void> {
  await db('participants').where({ id: sourceId }).update({ merged_into_id: keptId, updated_at: now });
}

export async function setLastContact(db: Db, id: string, lastContactAt: Date, now: Date): Promise<void> {
  await db('participants').where({ id }).update({ last_contact_at: lastContactAt, updated_at: now });
}
