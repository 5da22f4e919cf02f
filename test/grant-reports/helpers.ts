import { createHash, randomBytes } from 'node:crypto';
import { ctx } from '../helpers/context.js';
import { createParticipant } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';

const db = () => ctx().deps.db;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function storeFile(content: Buffer, purpose: 'receipt' | 'invoice', mediaType: string) {
  const [f] = await db()('files')
    .insert({ sha256: sha(content), media_type: mediaType, size_bytes: content.length, content, purpose })
    .returning(['id', 'sha256']);
  return f as { id: string; sha256: string };
}

/** A unique minimal PDF (so that its hash is its own). */
export const pdfBytes = (tag: string) =>
  Buffer.from(
    `%PDF-1.4\n% ${tag} ${randomBytes(6).toString('hex')}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );

async function session(projectId: string, title: string, startsAt: string, endsAt: string, people: [string, string][]) {
  const [s] = await db()('sessions')
    .insert({
      project_id: projectId,
      title,
      kind: 'workshop',
      starts_at: startsAt,
      ends_at: endsAt,
      status: 'held',
      capacity: 20,
    })
    .returning(['id']);
  for (const [participantId, status] of people)
    await db()('session_participants').insert({
      session_id: s.id,
      participant_id: participantId,
      status,
      walk_in: true,
    });
  return s.id as string;
}

interface ClaimSpec {
  participantId: string;
  projectId: string;
  sessionId: string;
  submitted: string;
  decided: string;
  paid: string | null;
  cancelled?: boolean;
  cents: number;
  travelDate: string;
  receipt?: { id: string };
}

/** A claim (with one transport line) as the claims flow leaves it, paid through a paid batch when `paid` is given. */
async function claim(c: ClaimSpec) {
  const [row] = await db()('claims')
    .insert({
      participant_id: c.participantId,
      project_id: c.projectId,
      status: c.cancelled ? 'cancelled' : c.paid ? 'paid' : 'approved',
      departure_at: '2025-01-01T08:00:00Z',
      return_at: '2025-01-01T20:00:00Z',
      submitted_at: c.submitted,
      decided_at: c.cancelled ? null : c.decided,
      cancelled_at: c.cancelled ? c.decided : null,
      amount_requested_cents: c.cents,
      amount_eligible_cents: c.cents,
      amount_granted_cents: c.cancelled ? null : c.cents,
      amount_to_pay_cents: c.cancelled ? null : c.cents,
    })
    .returning(['id', 'reference']);
  await db()('claim_sessions').insert({ claim_id: row.id, session_id: c.sessionId });
  let receiptId: string | null = null;
  if (c.receipt)
    [{ id: receiptId }] = await db()('claim_receipts')
      .insert({ claim_id: row.id, file_id: c.receipt.id, amount_cents: c.cents })
      .returning(['id']);
  const [line] = await db()('claim_lines')
    .insert({
      claim_id: row.id,
      position: 0,
      kind: 'public_transport',
      travel_date: c.travelDate,
      category: 'transport',
      input: JSON.stringify({ kind: 'public_transport', amountCents: c.cents }),
      requested_cents: c.cents,
      eligible_cents: c.cents,
      explanation: 'Billet',
      rule: 'actual_cost',
      granted_cents: c.cancelled ? null : c.cents,
      receipt_id: receiptId,
    })
    .returning(['id']);
  if (c.paid) {
    const [batch] = await db()('payment_batches')
      .insert({
        status: 'paid',
        kind: 'transfer',
        exported_at: c.paid,
        paid_at: c.paid,
        total_cents: c.cents,
        payment_count: 1,
      })
      .returning(['id']);
    const [payment] = await db()('payments')
      .insert({
        batch_id: batch.id,
        position: 1,
        participant_id: c.participantId,
        amount_cents: c.cents,
        end_to_end_id: `E2E-${randomBytes(6).toString('hex')}`,
        status: 'paid',
        paid_at: c.paid,
      })
      .returning(['id']);
    await db()('batch_claims').insert({
      batch_id: batch.id,
      claim_id: row.id,
      payment_id: payment.id,
      amount_cents: c.cents,
    });
  }
  return { id: row.id as string, reference: row.reference as string, lineId: line.id as string };
}

interface ExpenseSpec {
  projectId: string;
  category: string;
  source: 'claim_line' | 'booking' | 'invoice';
  cents: number;
  incurredOn: string;
  status: 'committed' | 'actual' | 'cancelled';
  paidOn?: string;
  claim?: { id: string; lineId: string };
  participantId?: string;
  bookingId?: string;
  invoiceNumber?: string;
  invoiceFileId?: string;
  description?: string;
  parts: [string | null, number][];
}

async function expense(e: ExpenseSpec, lines: Map<string, string>) {
  const [row] = await db()('expenses')
    .insert({
      project_id: e.projectId,
      category: e.category,
      source: e.source,
      claim_line_id: e.claim?.lineId ?? null,
      claim_id: e.claim?.id ?? null,
      participant_id: e.participantId ?? null,
      booking_id: e.bookingId ?? null,
      invoice_number: e.invoiceNumber ?? '',
      invoice_file_id: e.invoiceFileId ?? null,
      description: e.description ?? '',
      amount_cents: e.cents,
      incurred_on: e.incurredOn,
      status: e.status,
      paid_on: e.status === 'actual' ? e.paidOn : null,
      cancelled_at: e.status === 'cancelled' ? new Date() : null,
    })
    .returning(['id', 'reference']);
  const year = e.incurredOn.slice(0, 4);
  const parts: { id: string; grant_id: string | null }[] = [];
  for (const [grantId, cents] of e.parts) {
    const lineId = grantId ? (lines.get(`${grantId}|${e.category}|${year}`) ?? null) : null;
    const [p] = await db()('expense_parts')
      .insert({ expense_id: row.id, grant_id: lineId ? grantId : null, budget_line_id: lineId, amount_cents: cents })
      .returning(['id', 'grant_id']);
    parts.push(p);
  }
  return { id: row.id as string, reference: row.reference as string, parts };
}

/**
 * The hand-computed scenario of test/grant-reports (numbers in the tests):
 * - grant G1 (50 %, 2025–2026, ceilings 2025: 80,00 €, 2026: 1 000,00 €) funds project P1 at
 *   60 % and P2 at 100 %; grant G2 (30 %) funds P1 at 30 %; P1's other 10 % is own budget;
 * - G1 lines: transport 2025 500 €, transport 2026 400 €, venue 2025 300 €, catering 2026 200 €;
 *   G2 lines: transport 2025 200 €, venue 2025 100 € (no 2026 line: its 2026 share is own budget);
 * - E1 claim 101,00 € (2025-03-10, paid 2025-04-02); E2 claim 33,33 € (2025-11-20, paid
 *   2026-01-15: over two years); E3 booking 250,00 € (2025-06-05, paid 2025-07-01, invoice
 *   number `=HYPERLINK(…)`); E4 catering invoice 120,00 € (2026-02-10, committed only); E5
 *   claim 80,00 € (2026-03-01, paid 2026-03-20); E6 claim 50,00 € cancelled; E8 P2 invoice
 *   40,00 € (2026-04-01, paid 2026-04-10, invoice number `+33 @x`).
 */
export async function grantScenario() {
  const d = db();
  const p1 = await createProject({ name: `Atelier budget ${randomBytes(2).toString('hex')}` });
  const p2 = await createProject({ name: `Atelier annexe ${randomBytes(2).toString('hex')}` });
  await d('projects').whereIn('id', [p1.id, p2.id]).update({ starts_on: '2025-01-01', ends_on: '2026-12-31' });
  await d('project_budget').insert([
    { project_id: p1.id, category: 'transport', planned_cents: 100000 },
    { project_id: p1.id, category: 'venue', planned_cents: 50000 },
    { project_id: p2.id, category: 'transport', planned_cents: 10000 },
  ]);
  const [pa, pb, pc, pd] = [
    await createParticipant(),
    await createParticipant(),
    await createParticipant(),
    await createParticipant(),
  ];

  const s1 = await session(p1.id, 'Atelier 1', '2025-03-10T14:00:00+01:00', '2025-03-10T17:00:00+01:00', [
    [pa.id, 'attended'],
    [pb.id, 'attended'],
    [pc.id, 'absent'],
  ]);
  await session(p1.id, 'Atelier 2', '2025-06-05T10:00:00+02:00', '2025-06-05T12:00:00+02:00', [
    [pa.id, 'attended'],
    [pb.id, 'declined'],
    [pc.id, 'attended'],
  ]);
  await session(p2.id, 'Atelier annexe', '2026-04-01T09:00:00+02:00', '2026-04-01T10:30:00+02:00', [
    [pd.id, 'attended'],
  ]);
  const s4 = await session(p1.id, 'Atelier 3', '2026-03-01T10:00:00+01:00', '2026-03-01T11:00:00+01:00', [
    [pa.id, 'attended'],
  ]);

  const grant = async (funder: string, rate: number) =>
    (
      await d('grants')
        .insert({
          funder,
          programme: 'Axe participation',
          agreement_number: `CONV-${randomBytes(3).toString('hex')}`,
          period_start: '2025-01-01',
          period_end: '2026-12-31',
          total_cents: 500000,
          cofunding_rate_bp: rate,
          eligible_categories: ['transport', 'venue', 'catering'],
        })
        .returning(['id', 'reference'])
    )[0] as { id: string; reference: string };
  const g1 = await grant('Pacte test', 5000);
  const g2 = await grant('Fonds second', 3000);
  await d('grant_ceilings').insert([
    { grant_id: g1.id, year: 2025, ceiling_cents: 8000 },
    { grant_id: g1.id, year: 2026, ceiling_cents: 100000 },
  ]);
  await d('grant_projects').insert([
    { grant_id: g1.id, project_id: p1.id, share_bp: 6000 },
    { grant_id: g1.id, project_id: p2.id, share_bp: 10000 },
    { grant_id: g2.id, project_id: p1.id, share_bp: 3000 },
  ]);
  const lines = new Map<string, string>();
  for (const [g, category, year, cents] of [
    [g1, 'transport', 2025, 50000],
    [g1, 'transport', 2026, 40000],
    [g1, 'venue', 2025, 30000],
    [g1, 'catering', 2026, 20000],
    [g2, 'transport', 2025, 20000],
    [g2, 'venue', 2025, 10000],
  ] as const) {
    const [l] = await d('budget_lines')
      .insert({ grant_id: g.id, category, year, amount_cents: cents })
      .returning(['id']);
    lines.set(`${g.id}|${category}|${year}`, l.id);
  }

  const receipt1 = await storeFile(pdfBytes('receipt E1'), 'receipt', 'application/pdf');
  const invoice3 = await storeFile(pdfBytes('invoice E3'), 'invoice', 'application/pdf');
  const invoice8 = await storeFile(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(8)]),
    'invoice',
    'image/png',
  );
  const r1 = await claim({
    participantId: pa.id,
    projectId: p1.id,
    sessionId: s1,
    submitted: '2025-03-12T09:00:00+01:00',
    decided: '2025-03-20T09:00:00+01:00',
    paid: '2025-04-02T09:00:00+02:00',
    cents: 10100,
    travelDate: '2025-03-10',
    receipt: receipt1,
  });
  const r2 = await claim({
    participantId: pb.id,
    projectId: p1.id,
    sessionId: s1,
    submitted: '2025-03-15T09:00:00+01:00',
    decided: '2025-03-25T09:00:00+01:00',
    paid: '2026-01-15T09:00:00+01:00',
    cents: 3333,
    travelDate: '2025-11-20',
  });
  const r3 = await claim({
    participantId: pa.id,
    projectId: p1.id,
    sessionId: s4,
    submitted: '2026-03-02T09:00:00+01:00',
    decided: '2026-03-10T09:00:00+01:00',
    paid: '2026-03-20T09:00:00+01:00',
    cents: 8000,
    travelDate: '2026-03-01',
  });
  const r6 = await claim({
    participantId: pc.id,
    projectId: p1.id,
    sessionId: s1,
    submitted: '2025-04-01T09:00:00+02:00',
    decided: '2025-04-05T09:00:00+02:00',
    paid: null,
    cancelled: true,
    cents: 5000,
    travelDate: '2025-05-01',
  });
  const venue = await createVenue({ costMode: 'day', costCents: 25000 });
  const [booking] = await d('bookings')
    .insert({
      venue_id: venue.id,
      during: d.raw("tstzrange('2025-06-05T08:00:00Z', '2025-06-05T12:00:00Z', '[)')"),
      status: 'confirmed',
      cost_cents: 25000,
      confirmed_at: '2025-05-01T10:00:00Z',
    })
    .returning(['id']);

  const e1 = await expense(
    {
      projectId: p1.id,
      category: 'transport',
      source: 'claim_line',
      claim: r1,
      participantId: pa.id,
      cents: 10100,
      incurredOn: '2025-03-10',
      status: 'actual',
      paidOn: '2025-04-02',
      parts: [
        [g1.id, 6060],
        [g2.id, 3030],
        [null, 1010],
      ],
    },
    lines,
  );
  const e2 = await expense(
    {
      projectId: p1.id,
      category: 'transport',
      source: 'claim_line',
      claim: r2,
      participantId: pb.id,
      cents: 3333,
      incurredOn: '2025-11-20',
      status: 'actual',
      paidOn: '2026-01-15',
      parts: [
        [g1.id, 2000],
        [g2.id, 1000],
        [null, 333],
      ],
    },
    lines,
  );
  const e3 = await expense(
    {
      projectId: p1.id,
      category: 'venue',
      source: 'booking',
      bookingId: booking.id,
      cents: 25000,
      incurredOn: '2025-06-05',
      status: 'actual',
      paidOn: '2025-07-01',
      invoiceNumber: '=HYPERLINK("http://x.example")',
      invoiceFileId: invoice3.id,
      parts: [
        [g1.id, 15000],
        [g2.id, 7500],
        [null, 2500],
      ],
    },
    lines,
  );
  const e4 = await expense(
    {
      projectId: p1.id,
      category: 'catering',
      source: 'invoice',
      cents: 12000,
      incurredOn: '2026-02-10',
      status: 'committed',
      invoiceNumber: 'F-2026-7',
      parts: [
        [g1.id, 7200],
        [null, 3600],
        [null, 1200],
      ],
    },
    lines,
  );
  const e5 = await expense(
    {
      projectId: p1.id,
      category: 'transport',
      source: 'claim_line',
      claim: r3,
      participantId: pa.id,
      cents: 8000,
      incurredOn: '2026-03-01',
      status: 'actual',
      paidOn: '2026-03-20',
      parts: [
        [g1.id, 4800],
        [null, 2400],
        [null, 800],
      ],
    },
    lines,
  );
  const e6 = await expense(
    {
      projectId: p1.id,
      category: 'transport',
      source: 'claim_line',
      claim: r6,
      participantId: pc.id,
      cents: 5000,
      incurredOn: '2025-05-01',
      status: 'cancelled',
      parts: [
        [g1.id, 3000],
        [g2.id, 1500],
        [null, 500],
      ],
    },
    lines,
  );
  const e8 = await expense(
    {
      projectId: p2.id,
      category: 'transport',
      source: 'invoice',
      cents: 4000,
      incurredOn: '2026-04-01',
      status: 'actual',
      paidOn: '2026-04-10',
      invoiceNumber: '+33 @x',
      invoiceFileId: invoice8.id,
      parts: [[g1.id, 4000]],
    },
    lines,
  );

  return {
    p1,
    p2,
    g1,
    g2,
    people: { pa, pb, pc, pd },
    claims: { r1, r2, r3, r6 },
    expenses: { e1, e2, e3, e4, e5, e6, e8 },
    files: { receipt1, invoice3, invoice8 },
    lines,
  };
}

export type GrantScenario = Awaited<ReturnType<typeof grantScenario>>;

/** Raw bytes of a download with the client's cookies. */
export async function fetchBytes(
  client: { cookies: Map<string, string> },
  path: string,
): Promise<{ status: number; type: string; disposition: string; bytes: Buffer }> {
  const res = await fetch(`${ctx().baseUrl}${path}`, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    disposition: res.headers.get('content-disposition') ?? '',
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

/** The latest audit event of an export: written just after the last byte has gone, so it may land a moment after the client has read it. */
export async function exportAudit(action: string, recordId: string, sha256: string) {
  for (let i = 0; i < 50; i++) {
    const row = await db()('audit_events')
      .where({ action, record_id: recordId })
      .whereRaw("data->>'sha256' = ?", [sha256])
      .first();
    if (row) return row as { data: Record<string, unknown> };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${action} audit event with that hash`);
}

type SignedInClient = {
  login(email: string, password: string): Promise<unknown>;
  user: { email: string; password: string };
};

/**
 * A clock for scenarios that span months: `at(iso)` moves it and signs the followed clients in
 * again (a session idles out over weeks); `follow` adds clients; the clock is reset after the suite.
 */
export function movingClock() {
  const clients: SignedInClient[] = [];
  after(() => {
    ctx().clock.now = null;
  });
  return {
    follow: (...more: SignedInClient[]) => clients.push(...more),
    at: async (iso: string) => {
      ctx().clock.now = new Date(iso);
      for (const c of clients) await c.login(c.user.email, c.user.password);
    },
  };
}
