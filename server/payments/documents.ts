import { PdfDocument } from '../shared/pdf.js';
import { centsToCsv, sheetCells, toCsv, type CsvValue } from '../shared/csv.js';
import { centsToEuros, formatCents } from '../shared/money.js';
import { formatDate } from '../shared/format.js';
import { toLocal } from '../shared/dates.js';
import { COST_CATEGORY_LABELS, type CostCategory, type Settings } from '../settings/index.js';
import type { SepaFile, SepaVersion } from './sepa.js';
import { splitByCategory, type FileClaim, type FilePayment } from './file-data.js';
import { BATCH_KIND_LABELS, type BatchStatus } from './schemas.js';
import type { BatchRow } from './repo.js';

const frDate = (iso: string) => iso.split('-').reverse().join('/');

/** Remittance text in plain words: `Remboursement frais atelier 12/03/2026` (an advance says so). */
export function remittanceOf(claims: FileClaim[]): string {
  const dates = [...new Set(claims.flatMap((c) => c.sessionDates))].sort().map(frDate);
  const what = claims.every((c) => c.isAdvance) ? 'Avance frais atelier' : 'Remboursement frais atelier';
  return `${what} ${dates.join(', ')}`.trim();
}

/** The content of the SEPA file of an exported transfer batch; ids derive from the batch reference, dates from the export instant. */
export function batchSepaFile(batch: BatchRow, settings: Settings, payments: FilePayment[]): SepaFile {
  const exported = toLocal(batch.exported_at!, settings.timeZone);
  return {
    version: (batch.file_format?.startsWith('pain.') ? batch.file_format : settings.sepaVersion) as SepaVersion,
    messageId: batch.reference,
    paymentInfoId: `${batch.reference}-VIR`,
    createdAt: `${exported.date}T${exported.time}:00`,
    executionDate: exported.date,
    initiatorName: settings.name,
    debtor: { name: settings.debtor.name || settings.name, iban: settings.debtor.iban!, bic: settings.debtor.bic },
    transfers: payments.map((p) => ({
      endToEndId: p.endToEndId,
      amountCents: p.amountCents,
      name: p.name,
      iban: p.iban!,
      bic: p.bic,
      remittance: remittanceOf(p.claims),
    })),
  };
}

const HEADERS = [
  'Lot',
  'Date d’export',
  'Référence du paiement',
  'Créancier',
  'Code tiers',
  'IBAN',
  'BIC',
  'Nature',
  'Fonction',
  'Catégorie',
  'Montant',
  'Demandes',
  'Justificatifs',
];

/**
 * Accounting lines: one per payment, split per accounting code when its claims span several
 * cost categories (the accountant imputes each amount to one code); amounts sum to the payment.
 */
export function accountingRows(
  batch: BatchRow,
  settings: Settings,
  payments: FilePayment[],
): { cells: (string | number)[]; cents: number }[] {
  const date = formatDate(batch.exported_at!, settings.timeZone);
  const rows: { cells: (string | number)[]; cents: number }[] = [];
  for (const p of payments) {
    const byCode = new Map<string, { nature: string; fonction: string; categories: string[]; cents: number }>();
    for (const c of p.claims) {
      for (const [category, cents] of Object.entries(splitByCategory(c.amountCents, c.categories))) {
        const code = settings.accountingCodes[category as CostCategory] ?? settings.accountingCodes.other;
        const key = `${code.nature}/${code.fonction}`;
        const entry = byCode.get(key) ?? { ...code, categories: [], cents: 0 };
        entry.cents += cents;
        const label = COST_CATEGORY_LABELS[category as CostCategory] ?? category;
        if (!entry.categories.includes(label)) entry.categories.push(label);
        byCode.set(key, entry);
      }
    }
    for (const e of [...byCode.values()].sort(
      (a, b) => a.nature.localeCompare(b.nature) || a.fonction.localeCompare(b.fonction),
    )) {
      rows.push({
        cents: e.cents,
        cells: [
          batch.reference,
          date,
          p.endToEndId,
          p.name,
          (p.payeeId ?? p.participantId).slice(0, 8).toUpperCase(),
          p.iban ?? '',
          p.bic ?? '',
          e.nature,
          e.fonction,
          e.categories.join(', '),
          e.cents,
          p.claims.map((c) => c.reference).join(' '),
          p.claims.flatMap((c) => c.receipts).join(' '),
        ],
      });
    }
  }
  return rows;
}

export function accountingCsv(batch: BatchRow, settings: Settings, payments: FilePayment[]): string {
  const rows = accountingRows(batch, settings, payments).map((r) =>
    r.cells.map((v, i): CsvValue => (i === 10 ? centsToCsv(r.cents) : String(v))),
  );
  return toCsv(HEADERS, rows);
}

export async function accountingXlsx(batch: BatchRow, settings: Settings, payments: FilePayment[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs'); // loaded on first use (cold start)
  const book = new ExcelJS.Workbook();
  book.creator = settings.name;
  book.created = batch.exported_at!;
  book.modified = batch.exported_at!;
  const sheet = book.addWorksheet(batch.reference);
  sheet.addRow(HEADERS).font = { bold: true };
  for (const r of accountingRows(batch, settings, payments)) {
    // A spreadsheet holds amounts as numbers of euros; the cents are exact at two decimals.
    const row = sheet.addRow(sheetCells(r.cells.map((v, i) => (i === 10 ? centsToEuros(r.cents) : v))));
    row.getCell(11).numFmt = '#,##0.00';
  }
  sheet.columns.forEach((c) => {
    c.width = 18;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The batch slip (bordereau): payments, totals per cost category, signature boxes. */
export async function batchSlip(
  batch: BatchRow,
  settings: Settings,
  payments: FilePayment[],
  statusLabel: (s: BatchStatus) => string,
): Promise<Uint8Array> {
  const pdf = await PdfDocument.create(
    `Bordereau ${batch.reference}`,
    `${settings.name} — bordereau de paiement ${batch.reference}`,
  );
  pdf.heading(`Bordereau du lot de paiement ${batch.reference}`);
  const total = payments.reduce((s, p) => s + p.amountCents, 0);
  pdf.facts([
    ['Mode de paiement', BATCH_KIND_LABELS[batch.kind]],
    ['État', statusLabel(batch.status)],
    ['Exporté le', batch.exported_at ? formatDate(batch.exported_at, settings.timeZone) : '—'],
    ['Nombre de paiements', String(payments.length)],
    ['Montant total', formatCents(total)],
  ]);
  pdf.heading('Paiements', 2);
  pdf.table(
    [
      { header: 'N°', width: 5 },
      { header: 'Bénéficiaire', width: 28 },
      { header: 'Référence', width: 30 },
      { header: 'Demandes', width: 22 },
      { header: 'Montant', width: 15, align: 'right' },
    ],
    payments.map((p) => [
      String(p.position),
      p.name,
      p.endToEndId,
      p.claims.map((c) => c.reference).join(', '),
      formatCents(p.amountCents),
    ]),
  );
  const perCategory = new Map<string, number>();
  for (const c of payments.flatMap((p) => p.claims)) {
    for (const [k, v] of Object.entries(splitByCategory(c.amountCents, c.categories)))
      perCategory.set(k, (perCategory.get(k) ?? 0) + v);
  }
  pdf.heading('Totaux par catégorie', 2);
  pdf.table(
    [
      { header: 'Catégorie', width: 50 },
      { header: 'Imputation', width: 25 },
      { header: 'Montant', width: 25, align: 'right' },
    ],
    [...perCategory.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => {
        const code = settings.accountingCodes[k as CostCategory];
        return [
          COST_CATEGORY_LABELS[k as CostCategory] ?? k,
          code ? `${code.nature}${code.fonction ? ` / ${code.fonction}` : ''}` : '—',
          formatCents(v),
        ];
      })
      .concat([['Total', '', formatCents(total)]]),
  );
  if (batch.kind === 'cash')
    pdf.paragraph(
      'Chaque personne signe à la remise des espèces ou du chèque (émargement ci-dessus ou sur la liste jointe).',
      { size: 9.5 },
    );
  pdf.signature('Établi par (nom, date, signature)');
  pdf.signature('Visa de l’ordonnateur (nom, date, signature)');
  pdf.signature(
    batch.kind === 'cash'
      ? 'Le régisseur (nom, date, signature)'
      : 'Le comptable ou le trésorier (nom, date, signature)',
  );
  return pdf.save();
}
