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
import { rebuildExpenseRollups } from '../server/grants/index.js';
import { auditHead, auditKeysFromConfig, sealAudit } from '../server/audit/index.js';
import { messageIdFor } from '../server/notifications/index.js';
import { useOfTemplate } from '../server/privacy/index.js';
import { archiveParticipants } from '../server/privacy/lifecycle.js';
import type { Config } from '../server/config.js';
import {
  AUDIT_CHAIN_COLUMNS,
  AUDIT_EVENT_COLUMNS,
  AuditTrail,
  CLAIM_TEXTS,
  claimMessageColumns,
  escapeHtml,
  signGeneratedHead,
  type GeneratedEvent,
} from './generate/activity.js';
import { formatCents } from '../server/shared/money.js';
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
  /**
   * The service's configuration: its audit keys link the generated audit events into the chain
   * (and sign a checkpoint of its head into AUDIT_CHECKPOINT_DIR); its public URL names the
   * messages. Without it, no audit event is generated.
   */
  config?: Config;
}

export interface GenerateSummary {
  counts: Record<string, number>;
  seconds: number;
  rowsPerSecond: number;
  /** Why no checkpoint of the generated chain could be signed (e.g. the folder holds another chain's), or null. */
  checkpointProblem?: string | null;
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
/** The reasons banks give most (server/payments/schemas.ts REJECT_REASONS), weighted: closed account, wrong IBAN, deceased, refusal. */
const REJECT_CODES = ['AC04', 'AC04', 'AC04', 'AC01', 'AC01', 'MD07', 'MS03', 'AC06', 'RR01', 'AM05'] as const;

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
  const estimate = n.participants * 3 + n.sessions * 3 + n.claims * (options.config ? 22 : 18);
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
  // What real use leaves behind (audit events, messages, consents, advances, bank rejections)
  // draws from a stream of its own: the rest of the dataset stays what it was before they existed.
  const ra = seeded(options.seed ^ 0x5eed);
  // The chain goes on from its head: what is pending (the bootstrap's events) is sealed first,
  // which also records the switch to keyed links.
  const audit = options.config
    ? await (async (config: Config) => {
        await sealAudit({ db, config });
        const head = await auditHead(db);
        const [{ max }] = (await db.raw('SELECT coalesce(max(id), 0)::text AS max FROM audit_events')).rows;
        return { config, key: auditKeysFromConfig(config).hmacKey, head: head!, nextId: Number(max) + 1 };
      })(options.config)
    : null;
  const publicUrl = options.config?.publicUrl ?? 'http://localhost:3000';

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
    'consents',
    'outbox_messages',
    'audit_events',
    'audit_chain',
  ];
  /** People the daily retention run archived (archived after the load, by the app's own step). */
  const archived: { id: string; archivedMs: number }[] = [];
  await withoutSecondaryIndexes(
    db,
    LOADED,
    async () => {
      // --- Audit events with their links (archived reads, claims, batches) ---
      const trail = audit
        ? new AuditTrail(
            loader('audit_events', AUDIT_EVENT_COLUMNS),
            loader('audit_chain', AUDIT_CHAIN_COLUMNS),
            audit.key,
            audit.nextId,
            audit.head,
          )
        : null;
      const event = async (e: Omit<GeneratedEvent, 'requestId'>) => {
        if (trail) await trail.push({ ...e, requestId: uuid(ra) });
      };
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
      const consentLoader = loader('consents', [
        ['id', 'uuid'],
        ['participant_id', 'uuid'],
        ['purpose_code', 'text'],
        ['legal_basis', 'text'],
        ['text_version', 'integer'],
        ['channel', 'text'],
        ['witness_user_id', 'uuid'],
        ['given_on', 'date'],
        ['expires_on', 'date'],
        ['withdrawn_on', 'date'],
        ['withdrawal_channel', 'text'],
        ['withdrawn_by', 'uuid'],
        ['recorded_by', 'uuid'],
        ['created_at', 'timestamptz'],
      ]);
      /** Consents given between `createdMs` and the last contact (a consent counts as a contact for retention), some withdrawn; the optional purposes expire after 24 months. */
      const consents = async (participantId: string, createdMs: number, lastMs: number) => {
        for (const [purpose, share, months] of [
          ['contact', 0.65, null],
          ['future_solicitation', 0.3, 24],
          ['profile', 0.2, 24],
          ['media', 0.15, 24],
          ['needs', 0.1, 24],
        ] as const) {
          if (ra() >= share) continue;
          const givenMs = createdMs + Math.floor(ra() * Math.max(0, lastMs - createdMs));
          const given = new Date(givenMs);
          const channel = pick(ra, ['paper', 'paper', 'online', 'oral'] as const);
          const by = pick(ra, staff);
          const withdrawn = ra() < 0.05 ? isoDay(givenMs + Math.floor(ra() * Math.max(0, lastMs - givenMs))) : null;
          await consentLoader.push(
            uuid(ra),
            participantId,
            purpose,
            'consent',
            1,
            channel,
            channel === 'oral' ? by : null,
            isoDay(givenMs),
            months === null
              ? null
              : isoDay(Date.UTC(given.getUTCFullYear(), given.getUTCMonth() + months, given.getUTCDate())),
            withdrawn,
            withdrawn === null ? null : pick(ra, ['paper', 'email', 'phone'] as const),
            withdrawn === null ? null : by,
            by,
            iso(givenMs),
          );
        }
      };
      const person: {
        id: string;
        payee: string;
        hasIban: boolean;
        name: string;
        cipher: string | null;
        keyId: string | null;
        reference: string;
        email: string | null;
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
        // Last contact: mostly within the last 400 days; for 12 % of those known long enough
        // 640 to 735 days ago, so that the retention run (2 years after the last contact) finds
        // people due in each of the coming months and a few due now.
        // 3 % were last seen 760 to 1,000 days ago: the daily run archived them (below), and
        // finance or the DPO has opened some of their records since.
        let lastContact = until - int(r, 0, 400) * DAY;
        const far = ra();
        if (far < 0.15) {
          const old = until - (far < 0.03 ? int(ra, 760, 1000) : int(ra, 640, 735)) * DAY;
          if (old >= created) {
            lastContact = old;
            if (far < 0.03) {
              const archivedMs = lastContact + 731 * DAY + 2 * 3600_000;
              archived.push({ id, archivedMs });
              for (let k = int(ra, 0, 3); k > 0; k--)
                await event({
                  atMs: archivedMs + Math.floor(ra() * (until - archivedMs)),
                  actor: pick(ra, finance),
                  action: 'participant.archived_read',
                  recordType: 'participant',
                  recordId: id,
                  data: { via: 'GET /participants/:id' },
                });
            }
          }
        }
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
          iso(lastContact),
          iso(created),
          iso(created),
        );
        await consents(id, created, lastContact);
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
          email: channel === 'email' ? email : null,
        });
      }
      await participantLoader.flush();
      await payeeLoader.flush();
      await consentLoader.flush();
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
        ['is_advance', 'boolean'],
        ['flags', 'text[]'],
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

      // --- Messages to the participants ---
      // Subject and bodies are filled in by the database from the app's rendered templates (activity.ts).
      const outboxLoader = new Loader(
        db,
        'outbox_messages',
        [
          ['id', 'uuid'],
          ['message_id', 'text'],
          ['channel', 'text'],
          ['template', 'text'],
          ['use', 'text'],
          ['participant_id', 'uuid'],
          ['recipient_email', 'text'],
          ['recipient_name', 'text'],
          ['status', 'text'],
          ['attempts', 'integer'],
          ['next_attempt_at', 'timestamptz'],
          ['last_error_code', 'text'],
          ['related_type', 'text'],
          ['related_id', 'text'],
          ['created_at', 'timestamptz'],
          ['delivered_at', 'timestamptz'],
          ['tpl', 'integer'],
          ['name_html', 'text'],
          ['reference', 'text'],
          ['asked', 'text'],
          ['granted', 'text'],
          ['day', 'text'],
        ],
        progress,
        pipeline,
        chunk,
        claimMessageColumns('Service participation'),
        ['tpl', 'name_html', 'reference', 'asked', 'granted', 'day'],
      );
      loaders.push(outboxLoader);
      const uses = {
        'claim-received': useOfTemplate('claim-received'),
        'claim-decision': useOfTemplate('claim-decision'),
      };
      /**
       * One message about a claim, by e-mail to people who chose it (else a letter): e-mails
       * delivered within two minutes (one in 300 failed after 8 attempts), letters printed within
       * a week; the last ones still pending.
       */
      const message = async (
        template: 'claim-received' | 'claim-decision',
        text: keyof typeof CLAIM_TEXTS,
        v: { reference: string; askedCents: number; grantedCents: number; dayMs: number },
        p: (typeof person)[number],
        claimId: string,
        atMs: number,
      ) => {
        const id = uuid(ra);
        const email = p.email !== null;
        const age = until - atMs;
        const failed = email && ra() < 1 / 300;
        const status = email
          ? age < DAY / 2
            ? 'pending'
            : failed
              ? 'failed'
              : 'delivered'
          : age < 7 * DAY
            ? 'pending'
            : 'printed';
        const attempts = status === 'failed' ? 8 : status === 'delivered' ? 1 : 0;
        const deliveredMs =
          status === 'delivered'
            ? atMs + int(ra, 2, 120) * 1000
            : status === 'printed'
              ? atMs + int(ra, 1, 7) * DAY
              : null;
        await outboxLoader.push(
          id,
          messageIdFor(id, publicUrl),
          email ? 'email' : 'letter',
          template,
          uses[template],
          p.id,
          p.email,
          p.name,
          status,
          attempts,
          iso(status === 'failed' ? atMs + 4 * 3600_000 : atMs),
          status === 'failed' ? pick(ra, ['smtp_550', 'smtp_552', 'dns']) : null,
          'claim',
          claimId,
          iso(atMs),
          deliveredMs === null ? null : iso(deliveredMs),
          CLAIM_TEXTS[text],
          escapeHtml(p.name),
          v.reference,
          formatCents(v.askedCents),
          formatCents(v.grantedCents),
          isoDay(v.dayMs).split('-').reverse().join('/'),
        );
      };

      /** The batch that pays a claim decided at `decidedMs`: one per month and kind, paid early the next month (never after `until`). */
      const batches = new Map<
        string,
        {
          id: string;
          kind: 'transfer' | 'cash';
          status: 'paid' | 'exported' | 'open';
          createdMs: number;
          claims: { id: string; reference: string; person: number; amount: number; rejected: boolean }[];
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
          let submitted =
            status === 'draft' ? null : Math.max(end, Math.min(until - 3600_000, end + int(r, 1, 10) * DAY));
          let decided = ['draft', 'submitted', 'cancelled'].includes(status)
            ? null
            : Math.max(submitted!, Math.min(until - 1800_000, submitted! + int(r, 2, 15) * DAY));
          const claimId = uuid(r);
          let createdMs = end + int(r, 1, 20) * 3600_000;
          // An advance (3 % of recent claims): asked, and mostly decided, before the session; not settled yet.
          const advance = ageDays < 75 && status !== 'draft' && ra() < 0.03;
          if (advance) {
            createdMs = start - int(ra, 8, 21) * DAY;
            submitted = createdMs + 3600_000;
            if (decided !== null) decided = submitted + int(ra, 1, 5) * DAY;
          }
          // A transfer the bank returned (1 paid claim in 200): the claim is approved again, flagged, to go into a new batch.
          const bankRejected = status === 'paid' && p.hasIban && ra() < 0.005;
          const storedStatus = bankRejected ? 'approved' : status;
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
          const enteredBy = pick(r, staff);
          await claimLoader.push(
            claimId,
            reference,
            p.id,
            p.payee,
            project.id,
            storedStatus,
            advance,
            bankRejected ? '{payment_rejected}' : '{}',
            iso(start - 3600_000),
            iso(end + 3600_000),
            submitted === null ? null : iso(submitted),
            decided === null ? null : iso(decided),
            decided === null ? null : project.lead,
            enteredBy,
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
            batch.claims.push({ id: claimId, reference, person: pIndex, amount: granted, rejected: bankRejected });
            if (status !== 'in_batch' && !bankRejected) paidMs = paidOn(decided!);
          }
          // What the app records along the way: created, submitted, decided (or cancelled), and the two letters.
          const claimEvent = (action: string, atMs: number, actor: string, data: GeneratedEvent['data']) =>
            event({ atMs, actor, action, recordType: 'claim', recordId: claimId, data });
          await claimEvent('claim.created', createdMs, enteredBy, { lines, sessions: 1, advance });
          if (submitted !== null) {
            await claimEvent('claim.submitted', submitted, enteredBy, { flags: [], lines });
            await message(
              'claim-received',
              'received',
              { reference, askedCents: requested, grantedCents: 0, dayMs: start },
              p,
              claimId,
              submitted,
            );
          }
          if (decided !== null) {
            const reduced = partial ? 1 : status === 'rejected' ? lines : 0;
            await claimEvent('claim.decided', decided, project.lead, {
              status: partial ? 'partially_approved' : status === 'rejected' ? 'rejected' : 'approved',
              lines,
              reduced,
              reasons: partial ? ['over_cap'] : status === 'rejected' ? ['not_eligible'] : [],
            });
            await message(
              'claim-decision',
              reduced ? 'reduced' : 'decided',
              { reference, askedCents: requested, grantedCents: granted, dayMs: start },
              p,
              claimId,
              decided,
            );
          }
          if (status === 'cancelled')
            await claimEvent('claim.cancelled', end + 12 * DAY, enteredBy, { from: 'submitted' });
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
        outboxLoader,
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
        ['rejected_reason_code', 'text'],
        ['rejected_at', 'timestamptz'],
        ['paid_at', 'timestamptz'],
        ['created_at', 'timestamptz'],
      ]);
      const batchClaimLoader = loader('batch_claims', [
        ['batch_id', 'uuid'],
        ['claim_id', 'uuid'],
        ['payment_id', 'uuid'],
        ['amount_cents', 'bigint'],
        ['voided', 'boolean'],
        ['voided_at', 'timestamptz'],
      ]);
      const ordered = [...batches.values()].sort((a, b) => a.createdMs - b.createdMs);
      for (const b of ordered) {
        const reference = nextReference('B', b.createdMs);
        // One payment per payee; the claims of a transfer the bank returned in a payment of their own.
        const byPerson = new Map<string, typeof b.claims>();
        for (const c of b.claims) {
          const key = `${c.person}|${c.rejected}`;
          byPerson.set(key, [...(byPerson.get(key) ?? []), c]);
        }
        const groups = [...byPerson.values()]
          .map((cs) => ({
            p: person[cs[0].person],
            cs: cs.sort((x, y) => x.reference.localeCompare(y.reference)),
            rejected: cs[0].rejected,
          }))
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
        const batchEvent = (action: string, atMs: number, actor: string, data: GeneratedEvent['data']) =>
          event({ atMs, actor, action, recordType: 'payment_batch', recordId: b.id, data });
        await batchEvent('payment_batch.created', b.createdMs, finance[0], {
          kind: b.kind,
          claimCount: b.claims.length,
          paymentCount: groups.length,
          totalCents: total,
        });
        if (exported)
          await batchEvent('payment_batch.exported', b.createdMs + DAY / 2, finance[1], {
            format: b.kind === 'transfer' ? 'pain.001.001.09' : 'cash_slip',
            paymentCount: groups.length,
          });
        const paidIds: string[] = [];
        const rejections: { id: string; atMs: number; code: string; claims: number }[] = [];
        for (const [i, g] of groups.entries()) {
          const paymentId = uuid(r);
          // Returned by the bank a few days after the batch was paid, with an ISO 20022 reason.
          const rejection =
            g.rejected && paidMs !== null
              ? { atMs: Math.min(until - DAY / 4, paidMs + int(ra, 2, 6) * DAY), code: pick(ra, REJECT_CODES) }
              : null;
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
            g.rejected ? 'rejected' : b.status === 'paid' ? 'paid' : 'pending',
            g.rejected ? rejection!.code : null,
            rejection === null ? null : iso(rejection.atMs),
            paidMs === null || g.rejected ? null : iso(paidMs),
            iso(b.createdMs),
          );
          for (const c of g.cs)
            await batchClaimLoader.push(
              b.id,
              c.id,
              paymentId,
              c.amount,
              g.rejected,
              rejection === null ? null : iso(rejection.atMs),
            );
          if (rejection) rejections.push({ ...rejection, id: paymentId, claims: g.cs.length });
          else if (b.status === 'paid') paidIds.push(paymentId);
        }
        if (paidMs !== null)
          await batchEvent('payment_batch.marked_paid', paidMs, finance[0], {
            paymentCount: paidIds.length,
            paymentIds: paidIds,
          });
        for (const x of rejections)
          await event({
            atMs: x.atMs,
            actor: finance[0],
            action: 'payment.rejected',
            recordType: 'payment',
            recordId: x.id,
            reasonCode: x.code,
            data: { batchId: b.id, claimCount: x.claims },
          });
      }
      for (const l of [
        batchLoader,
        paymentLoader,
        batchClaimLoader,
        ...loaders.filter((x) => x.table.startsWith('audit_')),
      ])
        await l.flush();
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
  // The daily run archived them, a month at a time here (each call updates every table that
  // links to people): the app's archiving step (status, archived_at, and what accounting does
  // not need erased in every table that holds it).
  const months = new Map<string, { ids: string[]; atMs: number }>();
  for (const a of archived) {
    const month = new Date(a.archivedMs).toISOString().slice(0, 7);
    const w = months.get(month) ?? { ids: [], atMs: 0 };
    w.ids.push(a.id);
    w.atMs = Math.max(w.atMs, a.archivedMs);
    months.set(month, w);
  }
  const tArchive = performance.now();
  for (const w of months.values()) await db.transaction((trx) => archiveParticipants(trx, w.ids, new Date(w.atMs)));
  const timings = [`archived ${archived.length} people in ${((performance.now() - tArchive) / 1000).toFixed(1)} s`];
  // The sequence goes on after the generated events; a signed checkpoint covers the chain's new head.
  let checkpointProblem: string | null = null;
  if (audit) {
    const tCheckpoint = performance.now();
    await db.raw(`SELECT setval(pg_get_serial_sequence('audit_events', 'id'), (SELECT max(id) FROM audit_events))`);
    checkpointProblem = await signGeneratedHead(db, audit.config, new Date());
    timings.push(`checkpoint signed over the chain in ${((performance.now() - tCheckpoint) / 1000).toFixed(1)} s`);
  }
  progress.done();
  // The expense rollups' triggers ran on every chunk, but chunks in flight at once may write
  // parts before their expenses: the rollups are rebuilt from what was loaded.
  await rebuildExpenseRollups(db);
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
    'consents',
    'outbox_messages',
    'audit_events',
    'audit_chain',
  ]) {
    counts[t] = Number((await db(t).count({ n: '*' }))[0].n);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (process.env.GENERATE_TIMINGS) {
    for (const t of timings) process.stderr.write(`  ${t}\n`);
    for (const l of loaders) process.stderr.write(`  ${l.table}: ${l.loaded} rows in ${(l.ms / 1000).toFixed(1)} s\n`);
  }
  const rows = Object.values(counts).reduce((s, x) => s + x, 0);
  return { counts, seconds, rowsPerSecond: rows / seconds, checkpointProblem };
}
