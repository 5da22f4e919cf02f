import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { localToInstant } from '../shared/dates.js';
import { formatCents } from '../shared/money.js';
import { formatDate } from '../shared/format.js';
import { PdfDocument } from '../shared/pdf.js';
import type { Acting } from '../shared/acting.js';
import { certificatePayment, certificatePerson, paidClaimRows, type PaidClaimsFilter } from './documents-repo.js';
import { paymentsError } from './errors.js';

export type CertificateKind = 'refund' | 'allowance';

export interface CertificateLine {
  paymentId: string;
  paidAt: Date;
  claimReference: string;
  cents: number;
}

/**
 * What was paid to a participant (optionally in an instant range, or for one payment), split
 * into refunds of actual costs and participation allowances (claim_lines category
 * `allowances`): they go on separate certificates, since an allowance may count as income for
 * social benefits. A claim paid less than its lines grant (an advance settlement) counts its
 * refunds first.
 */
export async function paidLines(db: Db, where: PaidClaimsFilter): Promise<Record<CertificateKind, CertificateLine[]>> {
  const rows = await paidClaimRows(db, where);
  const out: Record<CertificateKind, CertificateLine[]> = { refund: [], allowance: [] };
  for (const r of rows) {
    const paid = Number(r.amount_cents);
    const refund = Math.min(paid, Number(r.refund));
    const line = { paymentId: r.payment_id, paidAt: r.paid_at, claimReference: r.reference };
    if (refund > 0) out.refund.push({ ...line, cents: refund });
    if (paid - refund > 0) out.allowance.push({ ...line, cents: paid - refund });
  }
  return out;
}

/** What was paid to a participant in a calendar year (local time), refunds and allowances apart. */
export async function paidInYear(
  deps: Deps,
  participantId: string,
  year: number,
  timeZone: string,
): Promise<Record<CertificateKind, CertificateLine[]>> {
  return paidLines(deps.db, {
    participantId,
    from: localToInstant(`${year}-01-01`, '00:00', timeZone),
    to: localToInstant(`${year + 1}-01-01`, '00:00', timeZone),
  });
}

const TITLES: Record<CertificateKind, string> = {
  refund: 'Attestation de remboursement de frais',
  allowance: 'Attestation de versement d’indemnités de participation',
};
const EXPLANATIONS: Record<CertificateKind, string> = {
  refund:
    'Ces sommes remboursent des frais que la personne a réellement payés (transports, garde d’enfants, repas, nuitées), sur justificatifs. Ce ne sont pas des revenus.',
  allowance:
    'Ces sommes sont des indemnités de participation. Certains organismes (par exemple pour le RSA ou la prime d’activité) peuvent les compter comme des revenus.',
};

/** The yearly payment certificate (PDF) of one kind, to show a social-benefits office. */
export async function certificatePdf(
  deps: Deps,
  acting: Acting,
  input: { participantId: string; year: number; kind: CertificateKind },
): Promise<Uint8Array> {
  const { participantId, year, kind } = input;
  const settings = await acting.settings();
  const person = await certificatePerson(deps.db, participantId);
  if (!person) throw notFound('Participant');
  const lines = (await paidInYear(deps, participantId, year, settings.timeZone))[kind];
  const total = lines.reduce((s, l) => s + l.cents, 0);
  const pdf = await PdfDocument.create(`${TITLES[kind]} ${year}`, `${settings.name} — ${TITLES[kind].toLowerCase()}`);
  pdf.heading(`${TITLES[kind]} — année ${year}`);
  pdf.paragraph(
    `${settings.name} atteste avoir versé à la personne ci-dessous, du 1er janvier au 31 décembre ${year} :`,
  );
  pdf.facts([
    ['Nom', [person.first_name, person.last_name].filter(Boolean).join(' ') || '—'],
    ['Référence', person.reference],
    ['Total versé', formatCents(total)],
  ]);
  if (lines.length) {
    pdf.table(
      [
        { header: 'Date du paiement', width: 30 },
        { header: 'Demande', width: 40 },
        { header: 'Montant', width: 30, align: 'right' },
      ],
      lines
        .map((l) => [formatDate(l.paidAt, settings.timeZone), l.claimReference, formatCents(l.cents)])
        .concat([['Total', '', formatCents(total)]]),
    );
  } else {
    pdf.paragraph('Aucune somme de ce type n’a été versée cette année-là.');
  }
  pdf.paragraph(EXPLANATIONS[kind]);
  pdf.signature(
    `Fait le ${formatDate(acting.now, settings.timeZone)}, pour ${settings.name} (nom, fonction, signature)`,
  );
  return pdf.save();
}

/**
 * The certificate of one payment, of one kind (refund of actual costs or allowance, on
 * separate documents): 404 for an unknown payment, 409 when it is not paid (yet, or rejected
 * by the bank) or holds no amount of that kind.
 */
export async function paymentCertificatePdf(
  deps: Deps,
  acting: Acting,
  input: { paymentId: string; kind: CertificateKind },
): Promise<{ bytes: Uint8Array; filename: string }> {
  const { paymentId, kind } = input;
  const settings = await acting.settings();
  const payment = await certificatePayment(deps.db, paymentId);
  if (!payment) throw notFound('Paiement');
  if (payment.status !== 'paid')
    throw paymentsError(payment.status === 'rejected' ? 'payment_rejected_no_certificate' : 'payment_not_paid');
  const lines = (await paidLines(deps.db, { paymentId }))[kind];
  if (lines.length === 0) throw paymentsError(kind === 'allowance' ? 'no_allowance_to_certify' : 'nothing_to_certify');
  const total = lines.reduce((s, l) => s + l.cents, 0);
  const paidOn = formatDate(payment.paid_at, settings.timeZone);
  const pdf = await PdfDocument.create(
    `${TITLES[kind]} — paiement du ${paidOn}`,
    `${settings.name} — ${TITLES[kind].toLowerCase()}`,
  );
  pdf.heading(`${TITLES[kind]} — paiement du ${paidOn}`);
  pdf.paragraph(`${settings.name} atteste avoir versé à la personne ci-dessous, le ${paidOn} :`);
  pdf.facts([
    ['Nom', [payment.first_name, payment.last_name].filter(Boolean).join(' ') || '—'],
    ['Référence', payment.reference],
    ['Montant', formatCents(total)],
    ['Référence du paiement', `${payment.end_to_end_id} (lot ${payment.batch_reference})`],
  ]);
  pdf.table(
    [
      { header: 'Demande', width: 60 },
      { header: 'Montant', width: 40, align: 'right' },
    ],
    lines
      .map((l) => [l.claimReference, formatCents(l.cents)])
      .concat(lines.length > 1 ? [['Total', formatCents(total)]] : []),
  );
  pdf.paragraph(EXPLANATIONS[kind]);
  pdf.signature(
    `Fait le ${formatDate(acting.now, settings.timeZone)}, pour ${settings.name} (nom, fonction, signature)`,
  );
  return {
    bytes: await pdf.save(),
    filename: `attestation-${kind === 'refund' ? 'remboursement' : 'indemnites'}-${payment.end_to_end_id.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`,
  };
}
