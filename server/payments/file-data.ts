import type { Db } from '../shared/db.js';
import type { Keyring } from '../shared/crypto.js';
import { toLocal } from '../shared/dates.js';
import { batchClaims, batchPayments, type BatchRow } from './repo.js';
import { claimReceiptRows, claimSessionStarts, grantedByCategory } from './documents-repo.js';

export interface FileClaim {
  reference: string;
  amountCents: number;
  isAdvance: boolean;
  /** Local dates (YYYY-MM-DD) of the claim's sessions. */
  sessionDates: string[];
  /** Amount granted per cost category of the claim's lines. */
  categories: Record<string, number>;
  /** Receipt references: `R-2026-00107-J1`, in the order they were attached. */
  receipts: string[];
}

export interface FilePayment {
  id: string;
  position: number;
  endToEndId: string;
  payeeId: string | null;
  participantId: string;
  name: string;
  iban: string | null;
  bic: string | null;
  amountCents: number;
  status: string;
  claims: FileClaim[];
}

/**
 * What the files of an exported batch carry, from the export snapshots only (never the
 * payees as they are now): the same batch gives the same files, whatever happened since.
 * Every payment and claim exported is included, even one rejected later: the file is what
 * was sent. IBANs are decrypted here, in memory, for the file being written.
 */
export async function batchFileData(
  db: Db,
  keyring: Keyring,
  batch: BatchRow,
  timeZone: string,
): Promise<FilePayment[]> {
  const payments = await batchPayments(db, batch.id);
  const links = await batchClaims(db, batch.id);
  const claimIds = links.map((l) => l.claim_id);
  const sessions = await claimSessionStarts(db, claimIds);
  const lines = await grantedByCategory(db, claimIds);
  const receipts = await claimReceiptRows(db, claimIds);
  const claimOf = (l: (typeof links)[number]): FileClaim => {
    const dates = [
      ...new Set(sessions.filter((s) => s.claim_id === l.claim_id).map((s) => toLocal(s.starts_at, timeZone).date)),
    ];
    const categories = Object.fromEntries(
      lines
        .filter((x) => x.claim_id === l.claim_id && Number(x.granted) > 0)
        .map((x) => [x.category as string, Number(x.granted)]),
    );
    const count = receipts.filter((r) => r.claim_id === l.claim_id).length;
    return {
      reference: l.reference,
      amountCents: Number(l.amount_cents),
      isAdvance: l.is_advance,
      sessionDates: dates,
      categories,
      receipts: Array.from({ length: count }, (_, i) => `${l.reference}-J${i + 1}`),
    };
  };
  return payments.map((p) => ({
    id: p.id,
    position: p.position,
    endToEndId: p.end_to_end_id,
    payeeId: p.payee_id,
    participantId: p.participant_id,
    name: p.payee_name_snapshot ?? '',
    iban:
      p.iban_ciphertext_snapshot && p.iban_key_id_snapshot
        ? keyring.decrypt(p.iban_ciphertext_snapshot, p.iban_key_id_snapshot)
        : null,
    bic: p.bic_snapshot,
    amountCents: Number(p.amount_cents),
    status: p.status,
    claims: links.filter((l) => l.payment_id === p.id).map(claimOf),
  }));
}

/**
 * Splits a paid amount across cost categories in proportion to what was granted in each
 * (largest remainder, to the cent): an advance settlement pays less than its lines grant.
 * The parts always sum to `amount` exactly.
 */
export function splitByCategory(amount: number, granted: Record<string, number>): Record<string, number> {
  const entries = Object.entries(granted)
    .filter(([, v]) => v > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((s, [, v]) => s + v, 0);
  if (total === 0) return { other: amount };
  if (total === amount) return Object.fromEntries(entries);
  const parts = entries.map(([k, v]) => {
    const exact = BigInt(amount) * BigInt(v);
    return { k, floor: Number(exact / BigInt(total)), rest: Number(exact % BigInt(total)) };
  });
  let left = amount - parts.reduce((s, p) => s + p.floor, 0);
  for (const p of [...parts].sort((a, b) => b.rest - a.rest || a.k.localeCompare(b.k))) {
    if (left <= 0) break;
    p.floor++;
    left--;
  }
  return Object.fromEntries(parts.filter((p) => p.floor > 0).map((p) => [p.k, p.floor]));
}
