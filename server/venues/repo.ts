import type { Db } from '../shared/db.js';
import { paginate } from '../shared/pagination.js';
import { containsPattern, foldText } from '../shared/search.js';
import { VENUE_ATTRIBUTES, type VenueListQuery } from './schemas.js';

export interface VenueRow extends Record<string, unknown> {
  id: string;
  name: string;
  address: string;
  postal_code: string | null;
  commune_insee: string | null;
  commune_name: string | null;
  capacity: number;
  step_free_access: boolean;
  accessible_toilets: boolean;
  hearing_loop: boolean;
  pmr_parking: boolean;
  childcare_space: boolean;
  transport_access: string;
  cost_mode: 'free' | 'half_day' | 'day';
  cost_cents: number;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  notes: string;
  active: boolean;
  created_at: Date;
}

/** API field → column, for inserts and updates. */
export const VENUE_COLUMNS: Record<string, string> = {
  name: 'name',
  address: 'address',
  postalCode: 'postal_code',
  communeInsee: 'commune_insee',
  communeName: 'commune_name',
  capacity: 'capacity',
  stepFreeAccess: 'step_free_access',
  accessibleToilets: 'accessible_toilets',
  hearingLoop: 'hearing_loop',
  pmrParking: 'pmr_parking',
  childcareSpace: 'childcare_space',
  transportAccess: 'transport_access',
  costMode: 'cost_mode',
  costCents: 'cost_cents',
  contactName: 'contact_name',
  contactPhone: 'contact_phone',
  contactEmail: 'contact_email',
  notes: 'notes',
  active: 'active',
};

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Venues matching a search: capacity at least, commune (INSEE code or name), free or paid, attributes needed. */
export function listVenues(db: Db, f: VenueListQuery) {
  const q = db('venues').select('*');
  if (f.q) q.where('search_text', 'like', containsPattern(foldText(f.q.trim())));
  if (f.minCapacity) q.where('capacity', '>=', Number(f.minCapacity));
  if (f.commune)
    q.where((w) =>
      /^[0-9][0-9AB][0-9]{3}$/.test(f.commune!)
        ? w.where('commune_insee', f.commune)
        : w.whereILike('commune_name', like(f.commune!)),
    );
  if (f.cost === 'free') q.where((w) => w.where('cost_mode', 'free').orWhere('cost_cents', 0));
  if (f.cost === 'paid') q.whereNot('cost_mode', 'free').where('cost_cents', '>', 0);
  for (const need of (f.needs ?? '').split(',').filter(Boolean)) {
    if ((VENUE_ATTRIBUTES as readonly string[]).includes(need)) q.where(need, true);
  }
  q.where('active', f.active !== 'false');
  return paginate<VenueRow>(q, f, {
    columns: { name: 'name', capacity: 'capacity', createdAt: 'created_at' },
    default: 'name',
  });
}

export async function getVenue(db: Db, id: string): Promise<VenueRow | undefined> {
  return (await db('venues').where({ id }).first()) as VenueRow | undefined;
}

export interface BookingRow extends Record<string, unknown> {
  id: string;
  venue_id: string;
  venue_name: string;
  session_id: string | null;
  session_title: string | null;
  session_status: string | null;
  starts_at: Date;
  ends_at: Date;
  status: 'option' | 'confirmed' | 'cancelled';
  cost_cents: number;
  option_expires_at: Date | null;
}

const BOOKING_COLUMNS = [
  'b.id',
  'b.venue_id',
  'v.name as venue_name',
  'b.session_id',
  's.title as session_title',
  's.status as session_status',
  'b.status',
  'b.cost_cents',
  'b.option_expires_at',
  'b.created_at',
];

function bookings(db: Db) {
  return db('bookings as b')
    .join('venues as v', 'v.id', 'b.venue_id')
    .leftJoin('sessions as s', 's.id', 'b.session_id')
    .select(BOOKING_COLUMNS)
    .select(db.raw('lower(b.during) AS starts_at, upper(b.during) AS ends_at'));
}

export function listBookings(
  db: Db,
  f: { venueId?: string; sessionId?: string; status?: string; limit?: string; cursor?: string },
) {
  const q = bookings(db);
  if (f.venueId) q.where('b.venue_id', f.venueId);
  if (f.sessionId) q.where('b.session_id', f.sessionId);
  if (f.status) q.where('b.status', f.status);
  return paginate<BookingRow>(q, f, { columns: { createdAt: 'b.created_at' }, default: '-createdAt' }, 'b.id');
}

export async function getBooking(db: Db, id: string, forUpdate = false): Promise<BookingRow | undefined> {
  const q = bookings(db).where('b.id', id).first();
  return (await (forUpdate ? q.forUpdate('b') : q)) as BookingRow | undefined;
}

/** The live (option or confirmed) booking of a session, with its venue. */
export async function liveBookingOfSession(
  db: Db,
  sessionId: string,
): Promise<(BookingRow & { venue: VenueRow }) | undefined> {
  const b = (await bookings(db).where('b.session_id', sessionId).whereNot('b.status', 'cancelled').first()) as
    BookingRow | undefined;
  if (!b) return undefined;
  return { ...b, venue: (await getVenue(db, b.venue_id))! };
}

/** The live booking of each of some sessions (a page of a list), in one query; sessions without one are absent. */
export async function liveBookingsOfSessions(db: Db, sessionIds: string[]): Promise<Map<string, BookingRow>> {
  if (!sessionIds.length) return new Map();
  const rows = (await bookings(db)
    .whereIn('b.session_id', sessionIds)
    .whereNot('b.status', 'cancelled')) as BookingRow[];
  return new Map(rows.map((b) => [b.session_id as string, b]));
}

/** Confirmed bookings of the venue overlapping [start, end), other than `exceptId`. */
export async function overlappingConfirmed(
  db: Db,
  venueId: string,
  start: Date,
  end: Date,
  exceptId: string,
): Promise<BookingRow[]> {
  return (await bookings(db)
    .where('b.venue_id', venueId)
    .where('b.status', 'confirmed')
    .whereNot('b.id', exceptId)
    .whereRaw("b.during && tstzrange(?, ?, '[)')", [start, end])
    .orderByRaw('lower(b.during)')) as BookingRow[];
}

export async function sessionForBooking(
  db: Db,
  id: string,
): Promise<{ id: string; status: string; starts_at: Date; ends_at: Date } | undefined> {
  return db('sessions').where({ id }).first('id', 'status', 'starts_at', 'ends_at');
}

export function insertBooking(
  db: Db,
  b: {
    venueId: string;
    sessionId: string | null;
    start: Date;
    end: Date;
    costCents: number;
    optionExpiresAt: Date;
    createdBy: string | null;
    now: Date;
  },
) {
  return db('bookings')
    .insert({
      venue_id: b.venueId,
      session_id: b.sessionId,
      during: db.raw("tstzrange(?, ?, '[)')", [b.start, b.end]),
      status: 'option',
      cost_cents: b.costCents,
      option_expires_at: b.optionExpiresAt,
      created_by: b.createdBy,
      created_at: b.now,
      updated_at: b.now,
    })
    .returning('id');
}

/** Marks options past their expiry as cancelled; returns how many. */
export function cancelExpiredOptions(db: Db, now: Date): Promise<number> {
  return db('bookings')
    .where('status', 'option')
    .where('option_expires_at', '<', now)
    .update({ status: 'cancelled', cancelled_at: now, updated_at: now });
}

/** Committed venue cost of a project: its sessions' confirmed bookings. */
export async function committedVenueCents(db: Db, projectId: string): Promise<number> {
  const [row] = await db('bookings as b')
    .join('sessions as s', 's.id', 'b.session_id')
    .where('s.project_id', projectId)
    .where('b.status', 'confirmed')
    .sum({ n: 'b.cost_cents' });
  return Number(row.n ?? 0);
}

const SEARCHED_COLUMNS = ['name', 'address', 'commune_name'] as const;
type SearchSources = Partial<Record<(typeof SEARCHED_COLUMNS)[number], string | null>>;

/**
 * The stored, folded copy the venues search reads (db/migrations/…-venues-search-column.ts):
 * name, address and commune, lower case and without accents. Every write of them writes it.
 */
export function venueSearchText(v: SearchSources): string {
  return SEARCHED_COLUMNS.map((c) => foldText(v[c] ?? ''))
    .filter(Boolean)
    .join(' ');
}

/** Inserts a venue (`values`: every column given) with its search column. */
export async function insertVenue(db: Db, values: Record<string, unknown>): Promise<{ id: string }> {
  const [row] = await db('venues')
    .insert({ ...values, search_text: venueSearchText(values as SearchSources) })
    .returning('id');
  return row;
}

/** A venue of an import (no id read back). */
export async function addVenue(db: Db, values: Record<string, unknown>): Promise<void> {
  await db('venues').insert({ ...values, search_text: venueSearchText(values as SearchSources) });
}

/** Changes a venue's columns; when a searched one changes, the search column follows in the same UPDATE. */
export async function updateVenueRow(db: Db, id: string, values: Record<string, unknown>): Promise<void> {
  if (SEARCHED_COLUMNS.some((c) => c in values)) {
    const current = await db('venues').where({ id }).first(SEARCHED_COLUMNS);
    if (current) values = { ...values, search_text: venueSearchText({ ...current, ...values } as SearchSources) };
  }
  await db('venues').where({ id }).update(values);
}

export async function setBookingConfirmed(db: Db, id: string, now: Date): Promise<void> {
  await db('bookings').where({ id }).update({ status: 'confirmed', confirmed_at: now, updated_at: now });
}

export async function setBookingCancelled(db: Db, id: string, now: Date): Promise<void> {
  await db('bookings').where({ id }).update({ status: 'cancelled', cancelled_at: now, updated_at: now });
}

/** New hours and cost for a booking whose session moved. */
export async function setBookingTimes(
  db: Db,
  id: string,
  start: Date,
  end: Date,
  costCents: number,
  now: Date,
): Promise<void> {
  await db('bookings')
    .where({ id })
    .update({
      during: db.raw("tstzrange(?, ?, '[)')", [start, end]),
      cost_cents: costCents,
      updated_at: now,
    });
}

/** The session's bookings that are not cancelled yet become cancelled. */
export async function cancelLiveBookingsOfSession(db: Db, sessionId: string, now: Date): Promise<void> {
  await db('bookings')
    .where({ session_id: sessionId })
    .whereNot('status', 'cancelled')
    .update({ status: 'cancelled', cancelled_at: now, updated_at: now });
}
