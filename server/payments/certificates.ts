import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { localToInstant } from '../shared/dates.js';
import { formatCents, formatDate } from '../shared/format.js';
import { PdfDocument } from '../shared/pdf.js';
import { getSettings } from '../settings/index.js';

export type CertificateKind = 'refund' | 'allowance';

export interface CertificateLine {
  paidAt: Date;
  claimReference: string;
  cents: number;
}

/**
 * What was paid to a participant in a calendar year (local time), split into refunds of
 * actual costs and participation allowances (claim_lines category `allowances`): they go on
 * separate certificates, since an allowance may count as income for social benefits. A claim
 * paid less than its lines grant (an advance settlement) counts its refunds first.
 */
export async function paidInYear(deps: Deps, participantId: string, year: number, timeZone: string): Promise<Record<CertificateKind, CertificateLine[]>> {
  const from = localToInstant(`${year}-01-01`, '00:00', timeZone);
  const to = localToInstant(`${year + 1}-01-01`, '00:00', timeZone);
  const { rows } = await deps.db.raw(
    `SELECT p.paid_at, c.reference, bc.amount_cents,
            coalesce((SELECT sum(l.granted_cents) FROM claim_lines l WHERE l.claim_id = c.id AND l.category = 'allowances'), 0)::bigint AS allowance,
            coalesce((SELECT sum(l.granted_cents) FROM claim_lines l WHERE l.claim_id = c.id AND l.category <> 'allowances'), 0)::bigint AS refund
       FROM payments p JOIN batch_claims bc ON bc.payment_id = p.id JOIN claims c ON c.id = bc.claim_id
      WHERE p.participant_id = ? AND p.status = 'paid' AND p.paid_at >= ? AND p.paid_at < ?
      ORDER BY p.paid_at, c.reference`,
    [participantId, from, to],
  );
  const out: Record<CertificateKind, CertificateLine[]> = { refund: [], allowance: [] };
  for (const r of rows as { paid_at: Date; reference: string; amount_cents: string; allowance: string; refund: string }[]) {
    const paid = Number(r.amount_cents);
    const refund = Math.min(paid, Number(r.refund));
    if (refund > 0) out.refund.push({ paidAt: r.paid_at, claimReference: r.reference, cents: refund });
    if (paid - refund > 0) out.allowance.push({ paidAt: r.paid_at, claimReference: r.reference, cents: paid - refund });
  }
  return out;
}

const TITLES: Record<CertificateKind, string> = {
  refund: 'Attestation de remboursement de frais',
  allowance: 'Attestation de versement d’indemnités de participation',
};
const EXPLANATIONS: Record<CertificateKind, string> = {
  refund: 'Ces sommes remboursent des frais que la personne a réellement payés (transports, garde d’enfants, repas, nuitées), sur justificatifs. Ce ne sont pas des revenus.',
  allowance: 'Ces sommes sont des indemnités de participation. Certains organismes (par exemple pour le RSA ou la prime d’activité) peuvent les compter comme des revenus.',
};

/** The yearly payment certificate (PDF) of one kind, to show a social-benefits office. */
export async function certificatePdf(deps: Deps, participantId: string, year: number, kind: CertificateKind): Promise<Uint8Array> {
  const { settings } = await getSettings(deps.db);
  const person = await deps.db('participants').where({ id: participantId }).first('reference', 'first_name', 'last_name');
  if (!person) throw notFound('Participant');
  const lines = (await paidInYear(deps, participantId, year, settings.timeZone))[kind];
  const total = lines.reduce((s, l) => s + l.cents, 0);
  const pdf = await PdfDocument.create(`${TITLES[kind]} ${year}`, `${settings.name} — ${TITLES[kind].toLowerCase()}`);
  pdf.heading(`${TITLES[kind]} — année ${year}`);
  pdf.paragraph(`${settings.name} atteste avoir versé à la personne ci-dessous, du 1er janvier au 31 décembre ${year} :`);
  pdf.facts([
    ['Nom', [person.first_name, person.last_name].filter(Boolean).join(' ') || '—'],
    ['Référence', person.reference],
    ['Total versé', formatCents(total)],
  ]);
  if (lines.length) {
    pdf.table(
      [{ header: 'Date du paiement', width: 30 }, { header: 'Demande', width: 40 }, { header: 'Montant', width: 30, align: 'right' }],
      lines.map((l) => [formatDate(l.paidAt, settings.timeZone), l.claimReference, formatCents(l.cents)]).concat([['Total', '', formatCents(total)]]),
    );
  } else {
    pdf.paragraph('Aucune somme de ce type n’a été versée cette année-là.');
  }
  pdf.paragraph(EXPLANATIONS[kind]);
  pdf.signature(`Fait le ${formatDate(deps.now(), settings.timeZone)}, pour ${settings.name} (nom, fonction, signature)`);
  return pdf.save();
}
