import { deflateSync } from 'node:zlib';
import type { Knex } from 'knex';
import { recordAudit } from '../audit/index.js';
import { inTransaction } from '../shared/db.js';
// The claims capability exports only its routes and pages; the demo drives its use cases
// directly (as the other demo steps do with theirs) so that lines, flags and messages are real.
import { createClaimIn } from '../claims/create-claim.js';
import { attachReceipt } from '../claims/receipts.js';
import { submitClaim } from '../claims/submit-claim.js';
import { decideClaim } from '../claims/decide-claim.js';
import { cancelClaim } from '../claims/advances.js';
import type { ClaimCreateBody, DecisionBody, LineInputBody } from '../claims/schemas.js';
import type { DemoStep } from './load-demo.js';
import { demoStaff, demoSystem } from './acting.js';

const STAFF_EMAIL = 'claire.martin@departement.example';
const FINANCE_EMAIL = 'sophie.lefevre@departement.example';

/** PDF text strings: WinAnsi octal escapes for accented letters, parentheses and backslashes escaped. */
function pdfString(s: string): string {
  return [...s.replace(/[’]/g, "'").replace(/→/g, '->')]
    .map((c) => {
      const code = c.charCodeAt(0);
      if (c === '(' || c === ')' || c === '\\') return `\\${c}`;
      return code < 128 ? c : code < 256 ? `\\${code.toString(8).padStart(3, '0')}` : '?';
    })
    .join('');
}

/** A one-page PDF (valid cross-reference table) showing a few lines of text: a scanned receipt. */
export function receiptPdf(lines: string[]): Buffer {
  const text = lines.map((l, i) => `BT /F1 11 Tf 40 ${260 - i * 18} Td (${pdfString(l)}) Tj ET`).join('\n');
  const objects = [
    '<</Type/Catalog/Pages 2 0 R>>',
    '<</Type/Pages/Kids[3 0 R]/Count 1>>',
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 300]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>',
    `<</Length ${Buffer.byteLength(text, 'latin1')}>>stream\n${text}\nendstream`,
    '<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A tiny valid PNG (8 × 8, one colour): the photo of a ticket, distinct content per colour. */
export function receiptPng([r, g, b]: [number, number, number]): Buffer {
  const size = 8;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, no interlace
  const row = Buffer.from([0, ...Array.from({ length: size }, () => [r, g, b]).flat()]);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

interface Receipt {
  line: number;
  file: Buffer;
  name: string;
  amountCents: number;
}
interface DemoClaim {
  lastName: string;
  session: 'first' | 'second' | 'future';
  lines: LineInputBody[];
  receipts?: Receipt[];
  outcome: 'draft' | 'submitted' | 'decided' | 'cancelled';
  isAdvance?: boolean;
  /** Per line, in order; omitted: every line at its computed amount. */
  decision?: Omit<DecisionBody['lines'][number], 'lineId'>[];
  note?: string;
}

const km = (n: number) => n * 10;

/**
 * One claim per status, for people who took part in the demo sessions: Atelier 1 in Valence,
 * Atelier 2 in Crest (meal served), Atelier 3 in Valence to come. Distances are real Drôme
 * ones, return trips: Die ↔ Valence 2 × 66 km, Montélimar ↔ Crest 2 × 38 km; the bus from Romans
 * to Valence (20 km) costs 2 × 2,60 €. The man from Die also gets an advance for the next session.
 */
const CLAIMS: DemoClaim[] = [
  {
    lastName: 'Kowalski',
    session: 'second',
    outcome: 'draft',
    lines: [{ kind: 'mileage', distanceDeciKm: km(76), fiscalPower: 'cv_6_7' }],
  },
  {
    lastName: 'Martin',
    session: 'first',
    outcome: 'submitted',
    lines: [{ kind: 'public_transport', amountCents: 520 }],
  },
  {
    lastName: 'Girard',
    session: 'first',
    outcome: 'decided',
    lines: [{ kind: 'mileage', distanceDeciKm: km(132), fiscalPower: 'cv_5_or_less' }],
  },
  {
    lastName: 'Nguyễn',
    session: 'first',
    outcome: 'decided',
    lines: [
      { kind: 'public_transport', amountCents: 320 },
      { kind: 'childcare', amountCents: 7000, childcareQuarterHours: 12 },
    ],
    receipts: [
      { line: 0, file: receiptPng([230, 120, 40]), name: 'tickets-citea.png', amountCents: 320 },
      {
        line: 1,
        file: receiptPdf([
          'Babysitting Drôme Services',
          'Facture n. 2026-0412',
          'Garde de 2 enfants, 3 h',
          'Total TTC : 70,00 EUR',
        ]),
        name: 'facture-garde.pdf',
        amountCents: 7000,
      },
    ],
    decision: [
      { grantedCents: 320 },
      {
        grantedCents: 5400,
        reasonCode: 'over_cap',
        reasonNote: 'Garde remboursée dans la limite de 18 € de l’heure, soit 3 h × 18 €.',
      },
    ],
  },
  {
    lastName: 'Ağaoğlu',
    session: 'second',
    outcome: 'decided',
    lines: [{ kind: 'taxi', amountCents: 11000 }],
    receipts: [
      {
        line: 0,
        file: receiptPdf(['Taxi Valentinois', 'Valence -> Crest aller-retour', 'Montant : 110,00 EUR']),
        name: 'taxi.pdf',
        amountCents: 11000,
      },
    ],
    decision: [
      {
        grantedCents: 0,
        reasonCode: 'other',
        reasonNote: 'Le car régional ligne 28 dessert Crest et le taxi n’avait pas été accepté avant la rencontre.',
      },
    ],
  },
  {
    lastName: 'Diallo',
    session: 'first',
    outcome: 'cancelled',
    lines: [{ kind: 'public_transport', amountCents: 320 }],
    receipts: [{ line: 0, file: receiptPng([40, 110, 200]), name: 'ticket-bus.png', amountCents: 320 }],
    note: 'Demande saisie deux fois par erreur.',
  },
  {
    lastName: 'Girard',
    session: 'future',
    outcome: 'decided',
    isAdvance: true,
    lines: [{ kind: 'mileage', distanceDeciKm: km(132), fiscalPower: 'cv_5_or_less' }],
  },
];

/** Makes sure the person is on the session's list: present for a held session, invited for one to come. */
async function ensureOnList(
  trx: Knex.Transaction,
  session: { id: string; ends_at: Date; starts_at: Date },
  participantId: string,
  held: boolean,
  now: Date,
) {
  const row = await trx('session_participants')
    .where({ session_id: session.id, participant_id: participantId })
    .first('status');
  if (held) {
    if (row?.status === 'attended') return;
    if (row)
      await trx('session_participants')
        .where({ session_id: session.id, participant_id: participantId })
        .update({ status: 'attended', attendance_recorded_at: session.ends_at });
    else
      await trx('session_participants').insert({
        session_id: session.id,
        participant_id: participantId,
        status: 'attended',
        walk_in: true,
        attendance_recorded_at: session.ends_at,
      });
  } else if (!row || row.status === 'declined') {
    const invitedAt = new Date(Math.min(now.getTime(), session.starts_at.getTime() - 7 * 86_400_000));
    if (row)
      await trx('session_participants')
        .where({ session_id: session.id, participant_id: participantId })
        .update({ status: 'confirmed', replied_at: now });
    else
      await trx('session_participants').insert({
        session_id: session.id,
        participant_id: participantId,
        status: 'invited',
        invited_at: invitedAt,
      });
  }
}

/**
 * Demo step: claims in every status (draft; submitted with a missing receipt; approved;
 * partially approved, childcare over the cap; rejected; cancelled) with generated receipts, and
 * an open advance for the session to come. Entered by the demo staff member, decided by the
 * demo finance officer (never the same person). Without sessions or people, it does nothing.
 */
export const demoClaims: DemoStep = async (deps, staff) => {
  const clerk = staff[STAFF_EMAIL];
  const finance = staff[FINANCE_EMAIL];
  if (!clerk || !finance) return;
  // Each use case acts at its own moment, as it would from its own request.
  const entering = () => demoStaff(deps, clerk, ['staff']);
  const deciding = () => demoStaff(deps, finance, ['finance']);
  const now = deps.now();
  const held = await deps
    .db('sessions')
    .where({ status: 'held' })
    .orderBy('starts_at')
    .limit(2)
    .select('id', 'starts_at', 'ends_at');
  const future = await deps
    .db('sessions')
    .where({ status: 'scheduled' })
    .where('starts_at', '>', now)
    .orderBy('starts_at')
    .first('id', 'starts_at', 'ends_at');
  const sessions = { first: held[0], second: held[1], future };
  const counts: Record<string, number> = {};

  for (const c of CLAIMS) {
    const session = sessions[c.session];
    const person = await deps
      .db('participants')
      .where({ last_name: c.lastName, status: 'active' })
      .whereNull('merged_into_id')
      .orderBy('created_at')
      .first('id');
    if (!session || !person) continue;
    const input: ClaimCreateBody = {
      participantId: person.id,
      sessionIds: [session.id],
      lines: c.lines,
      ...(c.isAdvance ? { isAdvance: true } : {}),
    };
    const creating = await entering();
    const claimId = await inTransaction(deps.db, async (trx) => {
      await ensureOnList(trx, session, person.id, c.session !== 'future', now);
      return createClaimIn(trx, deps, creating, { ...input, submit: false });
    });
    const lineIds: string[] = (
      await deps.db('claim_lines').where({ claim_id: claimId }).orderBy('position').select('id')
    ).map((l: { id: string }) => l.id);
    for (const r of c.receipts ?? [])
      await attachReceipt(deps, await entering(), {
        claimId,
        file: { buffer: r.file, originalname: r.name },
        amountCents: r.amountCents,
        lineId: lineIds[r.line],
      });
    if (c.outcome !== 'draft' && c.outcome !== 'cancelled') await submitClaim(deps, await entering(), claimId);
    if (c.outcome === 'cancelled') await cancelClaim(deps, await entering(), { claimId, reasonNote: c.note });
    if (c.outcome === 'decided') {
      const eligible: { id: string; eligible_cents: number }[] = await deps
        .db('claim_lines')
        .where({ claim_id: claimId })
        .orderBy('position')
        .select('id', 'eligible_cents');
      const lines = eligible.map((l, i) => ({
        lineId: l.id,
        ...(c.decision?.[i] ?? { grantedCents: l.eligible_cents }),
      }));
      await decideClaim(deps, await deciding(), { claimId, lines, ...(c.note ? { note: c.note } : {}) });
    }
    const { status } = await deps.db('claims').where({ id: claimId }).first('status');
    counts[status] = (counts[status] ?? 0) + 1;
  }
  await recordAudit(deps.db, await demoSystem(deps), {
    action: 'demo.claims_loaded',
    reasonCode: 'demo',
    data: { counts },
  });
};
