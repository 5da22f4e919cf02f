// Data generator: a realistic French dataset at a chosen scale, deterministic from a seed.
// Scale 1 = 100,000 participants (with payees; IBANs valid and encrypted like the app does),
// 5,000 sessions over three years with their venue bookings, 1,000,000 claims with ~3,000,000
// lines, monthly payment batches (payments, batch_claims) for the claims paid, grants with
// budget lines per category and year, and an expense (split into parts per grant) for every
// decided claim line, venue booking and catering invoice. Run by `npm run generate` (scripts/generate/command.ts).
// The figures that must hold are the invariant checker's (scripts/fault/invariants.ts).
import type { Knex } from 'knex';
import type { Keyring } from '../server/shared/crypto.js';
import { normaliseIban } from '../server/shared/validators.js';
import { maskIban } from '../server/payees/index.js';
import { searchColumns } from '../server/participants/index.js';
import { venueSearchText } from '../server/venues/index.js';
import { hashPassword } from '../server/auth/index.js';
import { Loader, Pipeline, progressBar, withoutSecondaryIndexes, type Progress } from './generate/bulk.js';
import {
  communeSampler,
  FIRST_NAMES,
  frenchIban,
  int,
  LAST_NAMES,
  mobile,
  pick,
  PROJECT_THEMES,
  seeded,
  SUPPLIERS,
  uuid,
  type Random,
} from './generate/french.js';

export interface GenerateOptions {
  scale: number;
  seed: number;
  /** The last day of the three years (YYYY-MM-DD); today by default. */
  until?: string;
  /** Progress on stderr (default) or nothing. */
  quiet?: boolean;
  chunk?: number;
  /** Chunks inserted at once (default 3; the embedded database has one connection and queues them). */
  parallel?: number;
}

export interface GenerateSummary {
  counts: Record<string, number>;
  seconds: number;
  rowsPerSecond: number;
}

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();
const CLAIM_KINDS = [
  // kind, category, weight
  ['mileage', 'mileage', 50],
  ['public_transport', 'transport', 25],
  ['meal', 'meals', 12],
  ['childcare', 'childcare', 8],
  ['allowance', 'allowances', 5],
] as const;
const YEARS_OF_GRANTS = 3;

/** Where a claim ends up (by the age of its session). */
function claimStatus(r: Random, ageDays: number): string {
  const x = r();
  if (ageDays < 30) return x < 0.15 ? 'draft' : x < 0.75 ? 'submitted' : 'approved';
  if (ageDays < 90)
    return x < 0.15
      ? 'submitted'
      : x < 0.45
        ? 'approved'
        : x < 0.7
          ? 'in_batch'
          : x < 0.95
            ? 'paid'
            : x < 0.98
              ? 'rejected'
              : 'cancelled';
  return x < 0.86
    ? 'paid'
    : x < 0.91
      ? 'partially_approved'
      : x < 0.95
        ? 'rejected'
        : x < 0.98
          ? 'cancelled'
          : 'approved';
}

export function sizes(scale: number) {
  if (!(scale > 0) || scale > 10) throw new Error('--scale must be above 0 and at most 10');
  const participants = Math.max(200, Math.round(100_000 * scale));
  const sessions = Math.max(10, Math.round(5_000 * scale));
  const claims = Math.min(Math.max(100, Math.round(1_000_000 * scale)), Math.floor(sessions * 0.98) * participants);
  return {
    participants,
    sessions,
    claims,
    projects: Math.max(3, Math.round(24 * scale ** 0.3)),
    venues: Math.max(5, Math.round(200 * Math.sqrt(scale))),
  };
}

export async function generateData(db: Knex, keyring: Keyring, options: GenerateOptions): Promise<GenerateSummary> {
  const t0 = performance.now();
  const n = sizes(options.scale);
  const r = seeded(options.seed);
  const until = Date.parse(`${options.until ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const from = until - YEARS_OF_GRANTS * 365 * DAY;
  const estimate = n.participants * 2 + n.sessions * 3 + n.claims * 16;
  const progress: Progress = options.quiet
    ? { add: () => undefined, done: () => undefined }
    : progressBar(estimate, 'generating');
  const chunk = options.chunk ?? 10_000;
  const loaders: Loader[] = [];
  const pipeline = new Pipeline(options.parallel ?? 3);
  const loader = (table: string, spec: [string, string][]) => {
    const l = new Loader(db, table, spec, progress, pipeline, chunk);
    loaders.push(l);
    return l;
  };

  const [{ n: existing }] = await db('claims').count({ n: '*' });
  const [{ n: people }] = await db('participants').count({ n: '*' });
  if (Number(existing) > 0 || Number(people) > 0)
    throw new Error('the database already holds participants or claims: generate into an empty database');

  // --- Users: staff who enter claims, a lead per project who decides, finance who pays ---
  const hash = await hashPassword(`generated-${options.seed}-not-for-login`);
  const userRows = [
    ...Array.from({ length: 6 }, (_, i) => ({
      id: uuid(r),
      email: `agent${i + 1}@generated.example`,
      name: `Agent ${i + 1}`,
      roles: ['staff'],
    })),
    ...Array.from({ length: n.projects }, (_, i) => ({
      id: uuid(r),
      email: `chef${i + 1}@generated.example`,
      name: `Chef de projet ${i + 1}`,
      roles: ['project_lead'],
    })),
    ...Array.from({ length: 3 }, (_, i) => ({
      id: uuid(r),
      email: `finance${i + 1}@generated.example`,
      name: `Finance ${i + 1}`,
      roles: ['finance'],
    })),
  ];
  await db('users').insert(userRows.map((u) => ({ ...u, password_hash: hash })));
  const staff = userRows.slice(0, 6).map((u) => u.id);
  const leads = userRows.slice(6, 6 + n.projects).map((u) => u.id);
  const finance = userRows.slice(6 + n.projects).map((u) => u.id);

  // --- Projects, grants (one per project over the three years, 50 % co-funding), budget lines ---
  const commune = communeSampler();
  const projects = Array.from({ length: n.projects }, (_, i) => ({
    id: uuid(r),
    allowance: i % 4 === 0,
    lead: leads[i],
  }));
  await db('projects').insert(
    projects.map((p, i) => ({
      id: p.id,
      name: `${PROJECT_THEMES[i % PROJECT_THEMES.length]} — ${commune(r).name}`,
      participation_level: pick(r, ['information', 'consultation', 'concertation', 'co_construction']),
      lead_user_id: p.lead,
      starts_on: isoDay(from),
      status: 'active',
      allowance_enabled: p.allowance,
      allowance_half_day_cents: p.allowance ? 4302 : null,
    })),
  );
  const firstYear = new Date(from).getUTCFullYear() + 1;
  const years = Array.from({ length: YEARS_OF_GRANTS }, (_, i) => firstYear + i);
  const categories = ['mileage', 'transport', 'meals', 'childcare', 'allowances', 'venue', 'catering'];
  const grants = projects.map((p, i) => ({ id: uuid(r), project: p.id, share: i % 3 === 2 ? 8000 : 5000 }));
  const budgetLine = new Map<string, { id: string; grant: string; spent: number; lastExpense: string | null }>();
  for (const g of grants)
    for (const y of years)
      for (const c of categories)
        budgetLine.set(`${g.project}|${y}|${c}`, { id: uuid(r), grant: g.id, spent: 0, lastExpense: null });

  // --- Venues ---
  const venues = Array.from({ length: n.venues }, () => {
    const c = commune(r);
    const mode = pick(r, ['free', 'free', 'half_day', 'day'] as const);
    return { id: uuid(r), c, mode, cost: mode === 'free' ? 0 : int(r, 4, 30) * 1000, capacity: int(r, 15, 300) };
  });
  const venueLoader = loader('venues', [
    ['id', 'uuid'],
    ['name', 'text'],
    ['address', 'text'],
    ['postal_code', 'text'],
    ['commune_insee', 'text'],
    ['commune_name', 'text'],
    ['capacity', 'integer'],
    ['step_free_access', 'boolean'],
    ['cost_mode', 'text'],
    ['cost_cents', 'integer'],
    ['search_text', 'text'],
  ]);
  for (const [i, v] of venues.entries()) {
    const name = `${pick(r, ['Salle polyvalente', 'Maison des associations', 'Centre social', 'Médiathèque', 'Espace France Services'])} ${i + 1}`;
    const address = `${int(r, 1, 120)} ${pick(r, ['rue de la République', 'avenue Victor Hugo', 'place de la Mairie', 'rue Jean Jaurès', 'boulevard Gambetta'])}`;
    await venueLoader.push(
      v.id,
      name,
      address,
      v.c.postalCode,
      v.c.insee,
      v.c.name,
      v.capacity,
      r() < 0.8,
      v.mode,
      v.cost,
      venueSearchText({ name, address, commune_name: v.c.name }),
    );
  }
  await venueLoader.flush();
  await pipeline.drain();

  const referenceCounter = new Map<string, number>();
  const nextReference = (prefix: string, ms: number) => {
    const key = `${prefix}|${new Date(ms).getUTCFullYear()}`;
    const v = (referenceCounter.get(key) ?? 0) + 1;
    referenceCounter.set(key, v);
    return `${prefix}-${new Date(ms).getUTCFullYear()}-${String(v).padStart(5, '0')}`;
  };
  // Loaded with the secondary indexes dropped, rebuilt at the end.
  const LOADED = [
    'participants',
    'payees',
    'sessions',
    'bookings',
    'session_participants',
    'claims',
    'claim_sessions',
    'claim_lines',
    'expenses',
    'expense_parts',
    'payment_batches',
    'payments',
    'batch_claims',
  ];
  await withoutSecondaryIndexes(
    db,
    LOADED,
    async () => {
      // --- Participants and their payees (IBAN sealed as the app does: encrypted, keyed hash, masked) ---
      const participantLoader = loader('participants', [
        ['id', 'uuid'],
        ['reference', 'text'],
        ['civility', 'text'],
        ['first_name', 'text'],
        ['last_name', 'text'],
        ['email', 'text'],
        ['phone', 'text'],
        ['address_line1', 'text'],
        ['postal_code', 'text'],
        ['commune_insee', 'text'],
        ['commune_name', 'text'],
        ['preferred_channel', 'text'],
        ['sort_name', 'text'],
        ['search_contact', 'text'],
        ['last_contact_at', 'timestamptz'],
        ['created_at', 'timestamptz'],
        ['updated_at', 'timestamptz'],
      ]);
      const payeeLoader = loader('payees', [
        ['id', 'uuid'],
        ['participant_id', 'uuid'],
        ['kind', 'text'],
        ['iban_ciphertext', 'text'],
        ['iban_key_id', 'text'],
        ['iban_hash', 'text'],
        ['iban_masked', 'text'],
        ['created_at', 'timestamptz'],
        ['updated_at', 'timestamptz'],
      ]);
      const person: {
        id: string;
        payee: string;
        hasIban: boolean;
        name: string;
        cipher: string | null;
        keyId: string | null;
        reference: string;
      }[] = [];
      for (let i = 0; i < n.participants; i++) {
        const created = from - 60 * DAY + Math.floor((i / n.participants) * (until - from - 30 * DAY));
        const first = pick(r, FIRST_NAMES);
        const last = pick(r, LAST_NAMES);
        const c = commune(r);
        const hasEmail = r() < 0.7;
        const email = hasEmail
          ? `${first}.${last}.${i}`
              .normalize('NFD')
              .replace(/[^A-Za-z0-9.]/g, '')
              .toLowerCase() + '@courriel.example'
          : null;
        const channel = hasEmail && r() < 0.8 ? 'email' : r() < 0.5 ? 'phone' : 'letter';
        const reference = nextReference('P', created);
        const id = uuid(r);
        const civility = pick(r, ['mme', 'm', 'mme', 'm', 'mx']);
        const phone = r() < 0.85 ? mobile(r) : null;
        const search = searchColumns({ first_name: first, last_name: last, email, phone });
        await participantLoader.push(
          id,
          reference,
          civility,
          first,
          last,
          email,
          phone,
          `${int(r, 1, 200)} ${pick(r, ['rue des Lilas', 'allée des Peupliers', 'chemin du Moulin', 'rue Pasteur', 'impasse des Acacias', 'résidence Les Tilleuls'])}`,
          c.postalCode,
          c.insee,
          c.name,
          channel,
          search.sort_name,
          search.search_contact,
          iso(until - int(r, 0, 400) * DAY),
          iso(created),
          iso(created),
        );
        const hasIban = r() < 0.92;
        let sealed: { ciphertext: string; keyId: string } | null = null;
        let ibanHash: string | null = null;
        let masked: string | null = null;
        if (hasIban) {
          const iban = normaliseIban(frenchIban(r));
          sealed = keyring.encrypt(iban);
          ibanHash = keyring.keyedHash(iban);
          masked = maskIban(iban);
        }
        const payee = uuid(r);
        await payeeLoader.push(
          payee,
          id,
          'participant',
          sealed?.ciphertext ?? null,
          sealed?.keyId ?? null,
          ibanHash,
          masked,
          iso(created),
          iso(created),
        );
        person.push({
          id,
          payee,
          hasIban,
          name: `${first} ${last}`,
          cipher: sealed?.ciphertext ?? null,
          keyId: sealed?.keyId ?? null,
          reference,
        });
      }
      await participantLoader.flush();
      await payeeLoader.flush();
      await pipeline.drain();

      // --- Sessions, bookings, attendance, claims, lines, expenses ---
      const sessionLoader = loader('sessions', [
        ['id', 'uuid'],
        ['project_id', 'uuid'],
        ['title', 'text'],
        ['kind', 'text'],
        ['starts_at', 'timestamptz'],
        ['ends_at', 'timestamptz'],
        ['status', 'text'],
        ['capacity', 'integer'],
        ['meal_provided', 'boolean'],
        ['created_by', 'uuid'],
        ['created_at', 'timestamptz'],
        ['updated_at', 'timestamptz'],
      ]);
      const bookingLoader = loader('bookings', [
        ['id', 'uuid'],
        ['venue_id', 'uuid'],
        ['session_id', 'uuid'],
        ['during', 'tstzrange'],
        ['status', 'text'],
        ['cost_cents', 'integer'],
        ['confirmed_at', 'timestamptz'],
        ['created_at', 'timestamptz'],
        ['updated_at', 'timestamptz'],
      ]);
      const attendanceLoader = loader('session_participants', [
        ['session_id', 'uuid'],
        ['participant_id', 'uuid'],
        ['status', 'text'],
        ['invited_at', 'timestamptz'],
        ['replied_at', 'timestamptz'],
        ['attendance_recorded_at', 'timestamptz'],
      ]);
      const claimLoader = loader('claims', [
        ['id', 'uuid'],
        ['reference', 'text'],
        ['participant_id', 'uuid'],
        ['payee_id', 'uuid'],
        ['project_id', 'uuid'],
        ['status', 'text'],
        ['departure_at', 'timestamptz'],
        ['return_at', 'timestamptz'],
        ['submitted_at', 'timestamptz'],
        ['decided_at', 'timestamptz'],
        ['decided_by', 'uuid'],
        ['entered_by', 'uuid'],
        ['cancelled_at', 'timestamptz'],
        ['amount_requested_cents', 'integer'],
        ['amount_eligible_cents', 'integer'],
        ['amount_granted_cents', 'integer'],
        ['amount_to_pay_cents', 'integer'],
        ['decision_reason_code', 'text'],
        ['created_at', 'timestamptz'],
        ['updated_at', 'timestamptz'],
      ]);
      const claimSessionLoader = loader('claim_sessions', [
        ['claim_id', 'uuid'],
        ['session_id', 'uuid'],
      ]);
      const lineLoader = loader('claim_lines', [
        ['id', 'uuid'],
        ['claim_id', 'uuid'],
        ['position', 'integer'],
        ['kind', 'text'],
        ['travel_date', 'date'],
        ['category', 'text'],
        ['input', 'jsonb'],
        ['requested_cents', 'integer'],
        ['eligible_cents', 'integer'],
        ['explanation', 'text'],
        ['rule', 'text'],
        ['granted_cents', 'integer'],
        ['reason_code', 'text'],
        ['created_at', 'timestamptz'],
      ]);
      const expenseLoader = loader('expenses', [
        ['id', 'uuid'],
        ['reference', 'text'],
        ['project_id', 'uuid'],
        ['category', 'text'],
        ['source', 'text'],
        ['claim_line_id', 'uuid'],
        ['claim_id', 'uuid'],
        ['participant_id', 'uuid'],
        ['booking_id', 'uuid'],
        ['session_id', 'uuid'],
        ['description', 'text'],
        ['supplier', 'text'],
        ['invoice_number', 'text'],
        ['amount_cents', 'bigint'],
        ['incurred_on', 'date'],
        ['status', 'text'],
        ['committed_at', 'timestamptz'],
        ['paid_on', 'date'],
        ['created_at', 'timestamptz'],
        ['updated_at', 'timestamptz'],
      ]);
      const partLoader = loader('expense_parts', [
        ['id', 'uuid'],
        ['expense_id', 'uuid'],
        ['grant_id', 'uuid'],
        ['budget_line_id', 'uuid'],
        ['amount_cents', 'bigint'],
      ]);

      /** The batch that pays a claim decided at `decidedMs`: one per month and kind, paid early the next month (never after `until`). */
      const batches = new Map<
        string,
        {
          id: string;
          kind: 'transfer' | 'cash';
          status: 'paid' | 'exported' | 'open';
          createdMs: number;
          claims: { id: string; reference: string; person: number; amount: number }[];
        }
      >();
      const paidOn = (decidedMs: number) => {
        const d = new Date(decidedMs);
        const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 5);
        return Math.max(decidedMs + DAY, Math.min(next, until - DAY));
      };
      const batchFor = (kind: 'transfer' | 'cash', status: 'paid' | 'exported' | 'open', decidedMs: number) => {
        const key =
          status === 'paid' ? `${kind}|${new Date(decidedMs).toISOString().slice(0, 7)}` : `${kind}|${status}`;
        let b = batches.get(key);
        if (!b)
          batches.set(
            key,
            (b = {
              id: uuid(r),
              kind,
              status,
              createdMs:
                status === 'paid' ? paidOn(decidedMs) - 4 * DAY : until - (status === 'exported' ? 3 : 1) * DAY,
              claims: [],
            }),
          );
        b.createdMs = Math.max(b.createdMs, decidedMs + DAY / 2);
        return b;
      };

      /** An expense split between the project's grant (its share, on the budget line of its category and year) and the organisation's own budget. */
      const expense = async (e: {
        project: string;
        category: string;
        source: string;
        claimLine?: string;
        claim?: string;
        participant?: string;
        booking?: string;
        session?: string;
        description?: string;
        supplier?: string;
        invoice?: string;
        amount: number;
        incurredMs: number;
        paidMs: number | null;
      }) => {
        const id = uuid(r);
        await expenseLoader.push(
          id,
          nextReference('DEP', e.incurredMs),
          e.project,
          e.category,
          e.source,
          e.claimLine ?? null,
          e.claim ?? null,
          e.participant ?? null,
          e.booking ?? null,
          e.session ?? null,
          e.description ?? '',
          e.supplier ?? '',
          e.invoice ?? '',
          e.amount,
          isoDay(e.incurredMs),
          e.paidMs === null ? 'committed' : 'actual',
          iso(e.incurredMs),
          e.paidMs === null ? null : isoDay(e.paidMs),
          iso(e.incurredMs),
          iso(e.incurredMs),
        );
        const line = budgetLine.get(`${e.project}|${new Date(e.incurredMs).getUTCFullYear()}|${e.category}`);
        const share = line ? Math.floor((e.amount * grants.find((g) => g.id === line.grant)!.share) / 10_000) : 0;
        if (line && share > 0) {
          await partLoader.push(uuid(r), id, line.grant, line.id, share);
          line.spent += share;
          line.lastExpense = id;
        }
        if (e.amount - share > 0) await partLoader.push(uuid(r), id, null, null, e.amount - share);
      };

      // 98 % of the sessions are spread over the three years (held), the rest are in the coming weeks.
      const pastSessions = Math.floor(n.sessions * 0.98);
      for (let k = 0; k < n.sessions; k++) {
        const project = projects[k % projects.length];
        const dayMs =
          k < pastSessions
            ? from + Math.floor((k / pastSessions) * (until - from - 2 * DAY))
            : until + (1 + ((k - pastSessions) % 60)) * DAY;
        const morning = k % 2 === 0;
        const start = Math.floor(dayMs / DAY) * DAY + (morning ? 8 : 13) * 3600_000; // 09:00 or 14:00 in Paris (winter time)
        const end = start + 3 * 3600_000;
        const sessionId = uuid(r);
        const past = k < pastSessions && end < until;
        await sessionLoader.push(
          sessionId,
          project.id,
          pick(r, ['Atelier', 'Comité', 'Groupe de travail', 'Réunion plénière']) + ` n° ${k + 1}`,
          pick(r, ['workshop', 'committee', 'focus_group', 'interview']),
          iso(start),
          iso(end),
          past ? 'held' : 'scheduled',
          250,
          r() < 0.3,
          pick(r, staff),
          iso(start - 30 * DAY),
          iso(start - 30 * DAY),
        );
        // Venue k mod V: sessions of one slot never share a venue (the exclusion constraint holds).
        const venue = venues[k % venues.length];
        const bookingId = uuid(r);
        const cost = venue.cost; // one half-day (or the day rate) per session
        await bookingLoader.push(
          bookingId,
          venue.id,
          sessionId,
          `[${iso(start - 1800_000)},${iso(end + 1800_000)})`,
          'confirmed',
          cost,
          iso(start - 25 * DAY),
          iso(start - 30 * DAY),
          iso(start - 25 * DAY),
        );
        if (cost > 0)
          await expense({
            project: project.id,
            category: 'venue',
            source: 'booking',
            booking: bookingId,
            session: sessionId,
            amount: cost,
            incurredMs: start,
            paidMs: past && start + 30 * DAY < until ? start + 30 * DAY : null,
          });
        if (past && r() < 0.1) {
          await expense({
            project: project.id,
            category: 'catering',
            source: 'invoice',
            session: sessionId,
            description: 'Collation et déjeuner de l’atelier',
            supplier: pick(r, SUPPLIERS),
            invoice: `FA-${new Date(start).getUTCFullYear()}-${int(r, 1000, 99999)}`,
            amount: int(r, 150, 900) * 100,
            incurredMs: start,
            paidMs: start + 20 * DAY < until ? start + 20 * DAY : null,
          });
        }
        if (!past) continue;
        // Claims of this session: an exact share of the total, one per attending participant.
        const count = Math.floor((n.claims * (k + 1)) / pastSessions) - Math.floor((n.claims * k) / pastSessions);
        const ageDays = (until - end) / DAY;
        const offset = (k * 7919) % n.participants;
        for (let j = 0; j < count; j++) {
          const pIndex = (offset + j * 104_729) % n.participants;
          const p = person[pIndex];
          await attendanceLoader.push(
            sessionId,
            p.id,
            'attended',
            iso(start - 20 * DAY),
            iso(start - 10 * DAY),
            iso(end),
          );
          // A partly approved claim of long ago has been paid: `paid`, its first line granted in part.
          const drawn = claimStatus(r, ageDays);
          const partial = drawn === 'partially_approved';
          const status = partial ? 'paid' : drawn;
          const submitted =
            status === 'draft' ? null : Math.max(end, Math.min(until - 3600_000, end + int(r, 1, 10) * DAY));
          const decided = ['draft', 'submitted', 'cancelled'].includes(status)
            ? null
            : Math.max(submitted!, Math.min(until - 1800_000, submitted! + int(r, 2, 15) * DAY));
          const claimId = uuid(r);
          const createdMs = end + int(r, 1, 20) * 3600_000;
          const reference = nextReference('R', createdMs);
          let requested = 0;
          let granted = 0;
          const lines = 1 + [0, 1, 1, 2, 2, 2, 2, 3, 3, 4][int(r, 0, 9)];
          const lineRows: { id: string; category: string; granted: number }[] = [];
          for (let l = 0; l < lines; l++) {
            const w = r() * 100;
            let acc = 0;
            let [kind, category] = ['mileage', 'mileage'] as [string, string];
            for (const [kk, cc, ww] of CLAIM_KINDS) if (w >= acc && w < (acc += ww)) [kind, category] = [kk, cc];
            if (kind === 'allowance' && !project.allowance) [kind, category] = ['public_transport', 'transport'];
            let input: Record<string, unknown>;
            let cents: number;
            if (kind === 'mileage') {
              const deciKm = int(r, 30, 1200);
              input = { kind, distanceDeciKm: deciKm, fiscalPower: 'cv_5_or_less' };
              cents = Math.round((deciKm * 32) / 10);
            } else if (kind === 'public_transport') {
              cents = pick(r, [180, 210, 420, 590, 1120, 2350]);
              input = { kind, amountCents: cents };
            } else if (kind === 'meal') {
              cents = 2000;
              input = { kind };
            } else if (kind === 'childcare') {
              const hours = int(r, 2, 5);
              cents = hours * int(r, 900, 1800);
              input = { kind, hours, amountCents: cents };
            } else {
              cents = 4302;
              input = { kind };
            }
            const decidedLine = decided !== null;
            const lineGranted =
              !decidedLine || status === 'rejected' ? 0 : partial && l === 0 ? Math.floor(cents / 2) : cents;
            const lineId = uuid(r);
            await lineLoader.push(
              lineId,
              claimId,
              l,
              kind,
              isoDay(start),
              category,
              JSON.stringify(input),
              cents,
              cents,
              'Données générées',
              `generated:${kind}`,
              decidedLine ? lineGranted : null,
              decidedLine && lineGranted < cents ? (status === 'rejected' ? 'not_eligible' : 'over_cap') : null,
              iso(createdMs),
            );
            requested += cents;
            granted += lineGranted;
            lineRows.push({ id: lineId, category, granted: lineGranted });
          }
          const toPay = decided === null ? null : granted;
          await claimLoader.push(
            claimId,
            reference,
            p.id,
            p.payee,
            project.id,
            status,
            iso(start - 3600_000),
            iso(end + 3600_000),
            submitted === null ? null : iso(submitted),
            decided === null ? null : iso(decided),
            decided === null ? null : project.lead,
            pick(r, staff),
            status === 'cancelled' ? iso(end + 12 * DAY) : null,
            requested,
            requested,
            decided === null ? null : granted,
            toPay,
            status === 'rejected' ? 'not_eligible' : null,
            iso(createdMs),
            iso(decided ?? submitted ?? createdMs),
          );
          await claimSessionLoader.push(claimId, sessionId);
          let paidMs: number | null = null;
          if ((status === 'paid' || status === 'in_batch') && granted > 0) {
            const kind = p.hasIban ? 'transfer' : 'cash';
            const batch =
              status === 'in_batch'
                ? batchFor(kind, r() < 0.5 ? 'exported' : 'open', decided!)
                : batchFor(kind, 'paid', decided!);
            batch.claims.push({ id: claimId, reference, person: pIndex, amount: granted });
            if (status !== 'in_batch') paidMs = paidOn(decided!);
          }
          if (decided !== null) {
            for (const line of lineRows) {
              if (line.granted > 0 && status !== 'rejected')
                await expense({
                  project: project.id,
                  category: line.category,
                  source: 'claim_line',
                  claimLine: line.id,
                  claim: claimId,
                  participant: p.id,
                  session: sessionId,
                  amount: line.granted,
                  incurredMs: start,
                  paidMs,
                });
            }
          }
        }
      }
      for (const l of [
        sessionLoader,
        bookingLoader,
        attendanceLoader,
        claimLoader,
        claimSessionLoader,
        lineLoader,
        expenseLoader,
        partLoader,
      ])
        await l.flush();
      await pipeline.drain();

      // --- Payment batches, one payment per payee, batch_claims ---
      const batchLoader = loader('payment_batches', [
        ['id', 'uuid'],
        ['reference', 'text'],
        ['status', 'text'],
        ['kind', 'text'],
        ['file_format', 'text'],
        ['created_by', 'uuid'],
        ['exported_at', 'timestamptz'],
        ['exported_by', 'uuid'],
        ['paid_at', 'timestamptz'],
        ['total_cents', 'bigint'],
        ['payment_count', 'integer'],
        ['created_at', 'timestamptz'],
        ['updated_at', 'timestamptz'],
      ]);
      const paymentLoader = loader('payments', [
        ['id', 'uuid'],
        ['batch_id', 'uuid'],
        ['position', 'integer'],
        ['participant_id', 'uuid'],
        ['payee_id', 'uuid'],
        ['payee_name_snapshot', 'text'],
        ['iban_ciphertext_snapshot', 'text'],
        ['iban_key_id_snapshot', 'text'],
        ['amount_cents', 'bigint'],
        ['end_to_end_id', 'text'],
        ['status', 'text'],
        ['paid_at', 'timestamptz'],
        ['created_at', 'timestamptz'],
      ]);
      const batchClaimLoader = loader('batch_claims', [
        ['batch_id', 'uuid'],
        ['claim_id', 'uuid'],
        ['payment_id', 'uuid'],
        ['amount_cents', 'bigint'],
      ]);
      const ordered = [...batches.values()].sort((a, b) => a.createdMs - b.createdMs);
      for (const b of ordered) {
        const reference = nextReference('B', b.createdMs);
        const byPerson = new Map<number, typeof b.claims>();
        for (const c of b.claims) byPerson.set(c.person, [...(byPerson.get(c.person) ?? []), c]);
        const groups = [...byPerson.entries()]
          .map(([pi, cs]) => ({ p: person[pi], cs: cs.sort((x, y) => x.reference.localeCompare(y.reference)) }))
          .sort((x, y) => x.cs[0].reference.localeCompare(y.cs[0].reference));
        const total = b.claims.reduce((s, c) => s + c.amount, 0);
        const exported = b.status !== 'open';
        const paidMs = b.status === 'paid' ? Math.min(until - DAY / 2, b.createdMs + 4 * DAY) : null;
        await batchLoader.push(
          b.id,
          reference,
          b.status,
          b.kind,
          exported ? (b.kind === 'transfer' ? 'pain.001.001.09' : 'cash_slip') : null,
          finance[0],
          exported ? iso(b.createdMs + DAY / 2) : null,
          exported ? finance[1] : null,
          paidMs === null ? null : iso(paidMs),
          total,
          groups.length,
          iso(b.createdMs),
          iso(paidMs ?? b.createdMs),
        );
        for (const [i, g] of groups.entries()) {
          const paymentId = uuid(r);
          const e2e = `${reference}/${g.cs[0].reference}${g.cs.length > 1 ? `+${g.cs.length - 1}` : ''}`;
          await paymentLoader.push(
            paymentId,
            b.id,
            i + 1,
            g.p.id,
            g.p.payee,
            exported ? g.p.name : null,
            exported && b.kind === 'transfer' ? g.p.cipher : null,
            exported && b.kind === 'transfer' ? g.p.keyId : null,
            g.cs.reduce((s, c) => s + c.amount, 0),
            e2e.length <= 35 ? e2e : `${reference}/P${i + 1}`,
            b.status === 'paid' ? 'paid' : 'pending',
            paidMs === null ? null : iso(paidMs),
            iso(b.createdMs),
          );
          for (const c of g.cs) await batchClaimLoader.push(b.id, c.id, paymentId, c.amount);
        }
      }
      for (const l of [batchLoader, paymentLoader, batchClaimLoader]) await l.flush();
      await pipeline.drain();
    },
    options.quiet ? undefined : (line) => process.stderr.write(`\n${line}`),
  );

  // --- Grants and budget lines, planned a little above what was spent; one line per grant overspent with an audited override ---
  const grantRows = grants.map((g, i) => {
    const lines = [...budgetLine.entries()].filter(([, l]) => l.grant === g.id);
    const planned = lines.map(([key, l]) => ({
      key,
      l,
      amount: Math.max(100_000, Math.ceil((l.spent * 1.15) / 10_000) * 10_000),
    }));
    const over = planned.filter((x) => x.l.lastExpense && x.l.spent > 0).sort((a, b) => b.l.spent - a.l.spent)[0];
    if (over && i % 2 === 0) over.amount = Math.max(0, over.l.spent - 5_000);
    return { g, planned, over: over && i % 2 === 0 ? over : null };
  });
  await db('grants').insert(
    grantRows.map(({ g, planned }, i) => ({
      id: g.id,
      reference: nextReference('F', from),
      funder: i % 3 === 2 ? 'Département — fonds d’appui' : 'État — Pacte des solidarités',
      programme: 'Participation des personnes concernées',
      axis: 'Axe 4',
      agreement_number: `CONV-${firstYear}-${String(i + 1).padStart(3, '0')}`,
      period_start: `${firstYear}-01-01`,
      period_end: `${years[years.length - 1]}-12-31`,
      total_cents: planned.reduce((s, x) => s + x.amount, 0),
      cofunding_rate_bp: 5000,
      eligible_categories: categories,
      status: 'active',
      created_by: finance[0],
    })),
  );
  await db('grant_projects').insert(grants.map((g) => ({ grant_id: g.id, project_id: g.project, share_bp: g.share })));
  for (const { planned } of grantRows) {
    await db('budget_lines').insert(
      planned.map(({ key, l, amount }) => ({
        id: l.id,
        grant_id: l.grant,
        category: key.split('|')[2],
        year: Number(key.split('|')[1]),
        amount_cents: amount,
      })),
    );
  }
  for (const { over } of grantRows)
    if (over)
      await db('expenses')
        .where({ id: over.l.lastExpense! })
        .update({ override_reason: 'Dépassement de la ligne accepté par le service financier (avenant en cours)' });
  progress.add(grantRows.length);

  // The counters continue after the generated references.
  for (const [key, value] of referenceCounter) {
    const [prefix, year] = key.split('|');
    await db.raw(
      `INSERT INTO reference_counters (prefix, year, last_value) VALUES (?, ?, ?) ON CONFLICT (prefix, year) DO UPDATE SET last_value = greatest(reference_counters.last_value, EXCLUDED.last_value)`,
      [prefix, Number(year), value],
    );
  }
  progress.done();
  await db.raw('ANALYZE');

  const counts: Record<string, number> = {};
  for (const t of [
    'participants',
    'payees',
    'venues',
    'sessions',
    'bookings',
    'session_participants',
    'claims',
    'claim_lines',
    'payment_batches',
    'payments',
    'batch_claims',
    'grants',
    'budget_lines',
    'expenses',
    'expense_parts',
  ]) {
    counts[t] = Number((await db(t).count({ n: '*' }))[0].n);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (process.env.GENERATE_TIMINGS)
    for (const l of loaders) process.stderr.write(`  ${l.table}: ${l.loaded} rows in ${(l.ms / 1000).toFixed(1)} s\n`);
  const rows = Object.values(counts).reduce((s, x) => s + x, 0);
  return { counts, seconds, rowsPerSecond: rows / seconds };
}
