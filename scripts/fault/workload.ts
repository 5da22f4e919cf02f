// The "real mix" of the fault-injection harness: teams of users (staff who enter, a project
// lead who decides, finance who batches and pays — separation of duties as in production),
// each acting only through the HTTP API with its own API token: register participants with
// bank details, create sessions, book venues (racing for the same slots), invite (e-mails in
// the outbox), record attendance, enter and submit claims, decide them, build batches (by ids
// or by project filter, racing with the team), export, download the files, mark paid, and now
// and then cancel, void or reject — plus invoices (expenses) when the API offers them.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { randomToken, sha256Hex } from '../../server/shared/crypto.js';
import { hashPassword } from '../../server/auth/index.js';
import { frenchIban } from '../../server/demo/consents.js';
import { ApiClient, type Stats } from './http.js';
import type { ServiceInstance } from './services.js';

// One seeded PRNG (mulberry32) for the generator and the harness: the choices repeat with the seed.
export { seeded, type Random } from '../generate/french.js';
import type { Random } from '../generate/french.js';

const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

export interface Team {
  projectId: string;
  staff: ApiClient;
  lead: ApiClient;
  finance: ApiClient;
  /** Participants registered by this team with a payee holding an IBAN. */
  people: string[];
  /** A grant funding half of the project, with a small catering budget line (null: the grants API refused). */
  grantId: string | null;
}

export interface World {
  db: Knex;
  instances: ServiceInstance[];
  stats: Stats;
  venues: string[];
  admin: ApiClient;
  random: Random;
  /** POST /api/expenses exists (the grants capability is there). */
  expensesApi: boolean;
  /** True once the mix is over: a client stops between two steps. */
  stopping: () => boolean;
}

let passwordHash: Promise<string> | null = null;

/** A user with these roles and an API token carrying them (inserted directly: the harness is the administrator). */
export async function userWithToken(
  w: Pick<World, 'db' | 'instances' | 'stats' | 'random'>,
  roles: string[],
  label: string,
) {
  passwordHash ??= hashPassword(randomToken(16));
  const [user] = await w
    .db('users')
    .insert({
      email: `${label}.${randomUUID().slice(0, 8)}@fault.example`,
      name: `Fault ${label}`,
      roles,
      password_hash: await passwordHash,
    })
    .returning('id');
  const secret = `pbo_${randomToken(32)}`;
  await w.db('api_tokens').insert({
    user_id: user.id,
    name: 'fault harness',
    token_hash: sha256Hex(secret),
    prefix: secret.slice(0, 10),
    roles,
  });
  return { userId: user.id as string, client: new ApiClient(secret, w.instances, w.stats, w.random) };
}

export async function createTeam(w: World, index: number): Promise<Team> {
  const staff = await userWithToken(w, ['staff'], `staff${index}`);
  const lead = await userWithToken(w, ['project_lead'], `lead${index}`);
  const finance = await userWithToken(w, ['finance'], `finance${index}`);
  const [project] = await w
    .db('projects')
    .insert({
      name: `Projet charge ${index}`,
      participation_level: 'concertation',
      starts_on: '2026-01-01',
      lead_user_id: lead.userId,
    })
    .returning('id');
  return {
    projectId: project.id,
    staff: staff.client,
    lead: lead.client,
    finance: finance.client,
    people: [],
    grantId: null,
  };
}

/** A grant funding half of the team's project, with a catering line small enough to be overspent (needs an override). */
export async function fundTeam(w: World, team: Team, tally: Tally): Promise<void> {
  if (!w.expensesApi) return;
  const g = await team.finance.post('/api/grants', {
    funder: 'État — Pacte des solidarités',
    periodStart: '2026-01-01',
    periodEnd: '2027-12-31',
    totalCents: 5_000_000,
    cofundingRateBp: 5000,
    eligibleCategories: ['mileage', 'catering', 'venue'],
    projects: [{ projectId: team.projectId, shareBp: 5000 }],
  });
  if (!expect(g.status === 201, tally, 'grant created', g.status, codeOf(g.body))) return;
  for (const [category, amountCents] of [
    ['catering', 150_000],
    ['mileage', 2_000_000],
  ] as const) {
    const l = await team.finance.post(`/api/grants/${g.body.id}/budget-lines`, { category, year: 2026, amountCents });
    expect(l.status === 201 || l.status === 200, tally, 'budget line added', l.status, codeOf(l.body));
  }
  team.grantId = g.body.id;
}

/** A one-page PDF, as an invoice scan. */
const INVOICE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

export async function createVenues(db: Knex, n: number): Promise<string[]> {
  const rows = await db('venues')
    .insert(
      Array.from({ length: n }, (_, i) => ({
        name: `Salle ${i + 1}`,
        address: `${i + 1} rue de la République`,
        postal_code: '26000',
        commune_insee: '26362',
        commune_name: 'Valence',
        capacity: 40,
        step_free_access: true,
      })),
    )
    .returning('id');
  return rows.map((r) => r.id as string);
}

let ibanCounter = 0;
const nextIban = () =>
  frenchIban('30004', '00820', String(70_000_000_000 + process.pid * 1000 + ++ibanCounter).slice(-11));

/** Outcomes the mix counts (what happened, not what was expected). */
export type Tally = Map<string, number>;
export const bump = (t: Tally, k: string, n = 1) => t.set(k, (t.get(k) ?? 0) + n);

function expect(ok: boolean, tally: Tally, what: string, status: number, code?: string) {
  bump(tally, ok ? what : `unexpected: ${what} → ${status}${code ? ` ${code}` : ''}`);
  return ok;
}

const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;

/** Registers a participant reachable by e-mail, who agreed to be contacted, with a payee holding an IBAN. */
export async function registerPerson(team: Team, random: Random, tally: Tally): Promise<string | null> {
  const first = pick(random, [
    'Camille',
    'Nadia',
    'Karim',
    'Lucie',
    'Mohamed',
    'Inès',
    'Thomas',
    'Fatou',
    'Élodie',
    'Nguyễn',
  ]);
  const body = {
    firstName: first,
    lastName: `Charge${randomUUID().slice(0, 8)}`,
    email: `p.${randomUUID().slice(0, 12)}@fault.example`,
    preferredChannel: 'email',
    communeInsee: '26362',
  };
  let p = await team.staff.post('/api/participants', body);
  // A look-alike already registered (or our own first attempt, before a crash): staff confirm it is another person.
  if (p.status === 409 && codeOf(p.body)?.endsWith('_requires_override'))
    p = await team.staff.post('/api/participants', { ...body, override: { reason: 'Personne différente (vérifié)' } });
  if (!expect(p.status === 201, tally, 'participant registered', p.status, codeOf(p.body))) return null;
  // Invitations need a live contact consent (the outbox's consent gate): given on paper before the sessions of 2026.
  const consent = await team.staff.post(`/api/participants/${p.body.id}/consents`, {
    purposeCode: 'contact',
    channel: 'paper',
    givenOn: '2026-01-02',
  });
  if (
    !expect(
      consent.status === 201 || consent.status === 200,
      tally,
      'contact consent recorded',
      consent.status,
      codeOf(consent.body),
    )
  )
    return null;
  const payee = await team.staff.post(`/api/participants/${p.body.id}/payees`, { iban: nextIban() });
  if (!expect(payee.status === 201, tally, 'payee with IBAN', payee.status, codeOf(payee.body))) return null;
  team.people.push(p.body.id);
  return p.body.id;
}

/** A past session of the team's project: 09:00 or 14:00 (Paris, winter offset) on a day of 2026. */
export async function heldSession(w: World, team: Team, invitees: string[], tally: Tally): Promise<string | null> {
  const day = new Date(Date.UTC(2026, 0, 5) + Math.floor(w.random() * 290) * 86_400_000).toISOString().slice(0, 10);
  const hour = w.random() < 0.5 ? '09' : '14';
  const endHour = hour === '09' ? '12' : '17';
  const s = await team.staff.post('/api/sessions', {
    projectId: team.projectId,
    title: 'Atelier sous charge',
    kind: 'workshop',
    capacity: 20,
    startsAt: `${day}T${hour}:00:00+01:00`,
    endsAt: `${day}T${endHour}:00:00+01:00`,
  });
  if (!expect(s.status === 201, tally, 'session created', s.status, codeOf(s.body))) return null;
  const sessionId: string = s.body.id;
  // Book one of the few shared venues: confirmations race for the same slots.
  const b = await team.staff.post('/api/bookings', { venueId: pick(w.random, w.venues), sessionId });
  if (expect(b.status === 201, tally, 'booking option', b.status, codeOf(b.body))) {
    const c = await team.staff.post(`/api/bookings/${b.body.id}/confirm`, {});
    const code = codeOf(c.body);
    expect(
      c.status === 200 || (c.status === 409 && code === 'booking_overlap'),
      tally,
      c.status === 200 ? 'booking confirmed' : 'booking refused: overlap',
      c.status,
      code,
    );
  }
  const inv = await team.staff.post(`/api/sessions/${sessionId}/invitations`, { participantIds: invitees });
  let invited = inv;
  if (inv.status === 409 && codeOf(inv.body)?.endsWith('_requires_override'))
    invited = await team.staff.post(`/api/sessions/${sessionId}/invitations`, {
      participantIds: invitees,
      override: { reason: 'Test de charge' },
    });
  expect(
    invited.status === 200 || invited.status === 201,
    tally,
    'invitations sent',
    invited.status,
    codeOf(invited.body),
  );
  const att = await team.staff.put(`/api/sessions/${sessionId}/attendance`, {
    entries: invitees.map((participantId) => ({ participantId, status: 'attended' })),
  });
  if (!expect(att.status === 200, tally, 'attendance recorded', att.status, codeOf(att.body))) return null;
  const held = await team.staff.post(`/api/sessions/${sessionId}/held`, {});
  expect(held.status === 200, tally, 'session held', held.status, codeOf(held.body));
  return sessionId;
}

/** Entered and submitted by staff (Idempotency-Key), approved in full by the lead. Returns the claim id when approved. */
export async function approvedClaim(
  team: Team,
  sessionId: string,
  participantId: string,
  random: Random,
  tally: Tally,
): Promise<string | null> {
  const key = randomUUID();
  const c = await team.staff.post(
    '/api/claims',
    {
      participantId,
      sessionIds: [sessionId],
      lines: [{ kind: 'mileage', distanceDeciKm: 50 + Math.floor(random() * 900), fiscalPower: 'cv_5_or_less' }],
      submit: true,
    },
    key,
  );
  if (c.replayed) bump(tally, 'claim replayed by its Idempotency-Key');
  if (!expect(c.status === 201, tally, 'claim entered and submitted', c.status, codeOf(c.body))) return null;
  const decision = {
    lines: c.body.lines.map((l: { id: string; eligibleCents: number }) => ({
      lineId: l.id,
      grantedCents: l.eligibleCents,
    })),
  };
  const d = await team.lead.post(`/api/claims/${c.body.id}/decision`, decision);
  // After a retry the first attempt may have been recorded: the same decision answers 200, or 409 already decided.
  const ok = d.status === 200 || (d.status === 409 && codeOf(d.body) === 'claim_already_decided' && d.retries > 0);
  return expect(ok, tally, 'claim approved', d.status, codeOf(d.body)) ? c.body.id : null;
}

/** Batches (by ids or by the project filter), exports, downloads, then pays, voids, cancels or rejects. */
export async function payClaims(w: World, team: Team, claimIds: string[], tally: Tally): Promise<void> {
  const byFilter = w.random() < 0.4;
  const b = await team.finance.post(
    '/api/payment-batches',
    byFilter ? { projectId: team.projectId } : { claimIds },
    randomUUID(),
  );
  const code = codeOf(b.body);
  if (b.status === 409 && ['no_claims_to_batch', 'claim_not_payable'].includes(code ?? ''))
    return void bump(tally, `batch refused: ${code} (taken by a teammate)`);
  if (!expect(b.status === 201, tally, b.replayed ? 'batch built (replayed)' : 'batch built', b.status, code)) return;
  const batchId: string = b.body.id;
  const fate = w.random();
  if (fate < 0.08) {
    const c = await team.finance.post(`/api/payment-batches/${batchId}/cancel`, {});
    return void expect(c.status === 200, tally, 'batch cancelled', c.status, codeOf(c.body));
  }
  const e = await team.finance.post(`/api/payment-batches/${batchId}/export`, {}, randomUUID());
  if (!expect(e.status === 200, tally, 'batch exported', e.status, codeOf(e.body))) return;
  const file = await team.finance.send(
    'GET',
    `/api/payment-batches/${batchId}/${w.random() < 0.5 ? 'sepa.xml' : 'accounting.csv'}`,
    undefined,
    { raw: true },
  );
  expect(file.status === 200, tally, 'payment file downloaded', file.status);
  if (fate < 0.14) {
    const v = await team.finance.post(`/api/payment-batches/${batchId}/void`, {
      reason: 'Fichier non transmis (test de charge)',
    });
    return void expect(v.status === 200, tally, 'batch voided', v.status, codeOf(v.body));
  }
  if (fate < 0.2 && e.body.payments?.length) {
    const r = await team.finance.post(`/api/payments/${e.body.payments[0].id}/reject`, { reasonCode: 'AC04' });
    expect(r.status === 200, tally, 'payment rejected by the bank', r.status, codeOf(r.body));
    const rest = e.body.payments.slice(1).map((p: { id: string }) => p.id);
    if (!rest.length) return;
    const m = await team.finance.post(`/api/payment-batches/${batchId}/mark-paid`, { paymentIds: rest }, randomUUID());
    return void expect(m.status === 200, tally, 'batch marked paid', m.status, codeOf(m.body));
  }
  const m = await team.finance.post(`/api/payment-batches/${batchId}/mark-paid`, {}, randomUUID());
  expect(m.status === 200, tally, 'batch marked paid', m.status, codeOf(m.body));
}

/** An invoice for the project (catering), when the grants capability offers /api/expenses. */
export async function enterInvoice(w: World, team: Team, tally: Tally): Promise<void> {
  if (!w.expensesApi || !team.grantId) return;
  const fields: Record<string, string> = {
    projectId: team.projectId,
    category: 'catering',
    amountCents: String(5_000 + Math.floor(w.random() * 50_000)),
    incurredOn: '2026-06-15',
    description: 'Buffet atelier',
    supplier: 'Traiteur du Rhône',
    invoiceNumber: `F-${randomUUID().slice(0, 8)}`,
  };
  const form = (override: boolean) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    if (override) f.append('override[reason]', 'Dépassement accepté (test de charge)');
    f.append('file', new Blob([INVOICE_PDF], { type: 'application/pdf' }), 'facture.pdf');
    return f;
  };
  let r = await team.finance.send('POST', '/api/expenses', undefined, {
    form: form(false),
    idempotencyKey: randomUUID(),
  });
  if (r.status === 409 && codeOf(r.body)?.endsWith('_requires_override')) {
    bump(tally, 'invoice over budget: override asked');
    r = await team.finance.send('POST', '/api/expenses', undefined, { form: form(true), idempotencyKey: randomUUID() });
  }
  expect(r.status === 201 || r.status === 200, tally, 'invoice entered', r.status, codeOf(r.body));
}

/** One round of a client: a session with 2–3 attendees, their claims, a batch, and now and then an invoice. */
export async function cycle(w: World, team: Team, tally: Tally): Promise<void> {
  while (team.people.length < 4) if (w.stopping() || !(await registerPerson(team, w.random, tally))) return;
  if (w.random() < 0.3) await registerPerson(team, w.random, tally);
  const invitees = [...team.people].sort(() => w.random() - 0.5).slice(0, 2 + Math.floor(w.random() * 2));
  if (w.stopping()) return;
  const sessionId = await heldSession(w, team, invitees, tally);
  if (!sessionId) return;
  // Once the session is held, the round goes to the end (claims, batch, payment) even past the deadline.
  const claims: string[] = [];
  for (const person of invitees) {
    const id = await approvedClaim(team, sessionId, person, w.random, tally);
    if (id) claims.push(id);
  }
  if (w.random() < 0.15) await enterInvoice(w, team, tally);
  if (claims.length) await payClaims(w, team, claims, tally);
  const q = await team.finance.get('/api/claims?status=approved&limit=50');
  expect(q.status === 200, tally, 'queue read', q.status);
}
