import { randomBytes } from 'node:crypto';
import { ctx } from './context.js';
import { venueSearchText } from '../../server/venues/index.js';

/** Inserts a real project (co-construction, active). */
export async function createProject(options: { name?: string; solicitationLimit?: number | null } = {}) {
  const [row] = await ctx()
    .deps.db('projects')
    .insert({
      name: options.name ?? `Projet ${randomBytes(3).toString('hex')}`,
      participation_level: 'co_construction',
      starts_on: '2026-01-01',
      solicitation_limit: options.solicitationLimit ?? null,
    })
    .returning(['id', 'name']);
  return row as { id: string; name: string };
}

/** Inserts a real venue; by default free, accessible and roomy. */
export async function createVenue(
  options: {
    name?: string;
    capacity?: number;
    stepFreeAccess?: boolean;
    hearingLoop?: boolean;
    costMode?: 'free' | 'half_day' | 'day';
    costCents?: number;
    communeInsee?: string;
    communeName?: string;
  } = {},
) {
  const venue = {
    name: options.name ?? `Salle ${randomBytes(3).toString('hex')}`,
    address: '1 place de la Liberté',
    postal_code: '26000',
    commune_insee: options.communeInsee ?? '26362',
    commune_name: options.communeName ?? 'Valence',
    capacity: options.capacity ?? 30,
    step_free_access: options.stepFreeAccess ?? true,
    hearing_loop: options.hearingLoop ?? false,
    transport_access: 'Bus ligne 1, arrêt Liberté',
    cost_mode: options.costMode ?? 'free',
    cost_cents: options.costCents ?? 0,
  };
  const [row] = await ctx()
    .deps.db('venues')
    .insert({ ...venue, search_text: venueSearchText(venue) })
    .returning(['id', 'name']);
  return row as { id: string; name: string };
}

let dayOffset = 0;
/** A distinct future weekday slot for each call, so that bookings of shared venues never collide by accident. */
export function nextSlot(hours = 3): { startsAt: string; endsAt: string } {
  dayOffset++;
  const start = new Date(Date.UTC(2027, 0, 4, 13, 0) + dayOffset * 86_400_000);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + hours * 3600_000).toISOString() };
}
