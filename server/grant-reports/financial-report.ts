import type ExcelJS from 'exceljs';
import { inTransaction } from '../shared/db.js';
import type { Deps } from '../shared/deps.js';
import { centsToCsv, neutraliseFormula, sheetCells, toCsv, type CsvValue } from '../shared/csv.js';
import { centsToEuros, formatCents } from '../shared/money.js';
import { PdfDocument } from '../shared/pdf.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { COST_CATEGORY_LABELS, type CostCategory } from '../settings/index.js';
import { attendanceOf, grantProjectIds, reportNotes, saveReportNotes, yearFigures, type GrantRow } from './repo.js';
import { gapPercent } from './rules.js';
import type { FinancialReportView } from './schemas.js';
import { grantFacts } from './statement.js';
import { expensesHref } from '../grants/index.js';

const ORDER = Object.keys(COST_CATEGORY_LABELS);
const label = (c: string) => COST_CATEGORY_LABELS[c as CostCategory] ?? c;
const pct = (p: number | null) => (p === null ? '—' : `${p.toLocaleString('fr-FR')} %`);

/**
 * The financial report of one calendar year, laid out like CERFA 15059 (compte rendu
 * financier): planned (the grant's budget lines of the year) against actual (its parts paid
 * in the year) per category, the gap in euros and percent of planned with its explanation,
 * and what the money did (sessions held, distinct people who attended, attendance rate in
 * the held sessions of the grant's projects that year).
 */
export async function financialReport(
  deps: Deps,
  acting: Acting,
  input: { grant: GrantRow; year: number },
): Promise<FinancialReportView> {
  const { grant, year } = input;
  const settings = await acting.settings();
  const figures = (await yearFigures(deps.db, grant.id, year)).sort(
    (a, b) => ORDER.indexOf(a.category) - ORDER.indexOf(b.category),
  );
  const notes = await reportNotes(deps.db, grant.id, year);
  const rows = figures.map((f) => ({
    category: f.category,
    label: label(f.category),
    plannedCents: f.planned,
    actualCents: f.actual,
    gapCents: f.actual - f.planned,
    gapPercent: gapPercent(f.planned, f.actual),
    explanation: notes.get(f.category) ?? '',
    href: expensesHref({
      grantId: grant.id,
      category: f.category,
      status: 'actual',
      paidFrom: `${year}-01-01`,
      paidTo: `${year}-12-31`,
    }),
  }));
  const planned = rows.reduce((s, r) => s + r.plannedCents, 0);
  const actual = rows.reduce((s, r) => s + r.actualCents, 0);
  const a = await attendanceOf(
    deps.db,
    await grantProjectIds(deps.db, grant.id),
    `${year}-01-01`,
    `${year}-12-31`,
    settings.timeZone,
  );
  return {
    grantId: grant.id,
    reference: grant.reference,
    year,
    orgName: settings.name,
    rows,
    totals: {
      plannedCents: planned,
      actualCents: actual,
      gapCents: actual - planned,
      gapPercent: gapPercent(planned, actual),
    },
    qualitative: {
      sessionsHeld: a.sessionsHeld,
      participants: a.participants,
      attendanceRatePercent: a.expected ? Math.round((a.attended * 1000) / a.expected) / 10 : null,
    },
  };
}

export type FinancialReport = FinancialReportView;

const HEADERS = ['Catégorie', 'Prévu', 'Réalisé', 'Écart (€)', 'Écart (%)', 'Explication de l’écart'];

function qualitativeLines(r: FinancialReport): [string, string][] {
  return [
    ['Sessions tenues', String(r.qualitative.sessionsHeld)],
    ['Personnes distinctes présentes', String(r.qualitative.participants)],
    ['Taux de présence', pct(r.qualitative.attendanceRatePercent)],
  ];
}

export function financialReportCsv(r: FinancialReport): string {
  const rows: CsvValue[][] = r.rows.map((x) => [
    x.label,
    centsToCsv(x.plannedCents),
    centsToCsv(x.actualCents),
    centsToCsv(x.gapCents),
    x.gapPercent === null ? '' : x.gapPercent,
    x.explanation,
  ]);
  rows.push([
    'Total',
    centsToCsv(r.totals.plannedCents),
    centsToCsv(r.totals.actualCents),
    centsToCsv(r.totals.gapCents),
    r.totals.gapPercent === null ? '' : r.totals.gapPercent,
    '',
  ]);
  rows.push([]);
  for (const [k, v] of qualitativeLines(r)) rows.push([k, v]);
  return toCsv(HEADERS, rows);
}

export async function financialReportXlsx(r: FinancialReport, grant: GrantRow): Promise<Buffer> {
  const { default: Excel } = await import('exceljs'); // loaded on first use (cold start)
  const book = new Excel.Workbook();
  book.creator = r.orgName;
  const sheet = book.addWorksheet(`CRF ${r.year}`);
  sheet.addRow([`Compte rendu financier ${r.year} — ${neutraliseFormula(grant.funder)} — ${grant.reference}`]).font = {
    bold: true,
  };
  sheet.addRow(HEADERS).font = { bold: true };
  const money = (row: ExcelJS.Row) =>
    [2, 3, 4].forEach((i) => {
      row.getCell(i).numFmt = '#,##0.00';
    });
  for (const x of r.rows)
    money(
      sheet.addRow([
        x.label,
        centsToEuros(x.plannedCents),
        centsToEuros(x.actualCents),
        centsToEuros(x.gapCents),
        x.gapPercent,
        neutraliseFormula(x.explanation),
      ]),
    );
  const total = sheet.addRow([
    'Total',
    centsToEuros(r.totals.plannedCents),
    centsToEuros(r.totals.actualCents),
    centsToEuros(r.totals.gapCents),
    r.totals.gapPercent,
    '',
  ]);
  total.font = { bold: true };
  money(total);
  sheet.addRow([]);
  for (const [k, v] of qualitativeLines(r)) sheet.addRow(sheetCells([k, v]));
  sheet.columns.forEach((c, i) => {
    c.width = i === 5 ? 60 : 18;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function financialReportPdf(r: FinancialReport, grant: GrantRow): Promise<Uint8Array> {
  const pdf = await PdfDocument.create(
    `Compte rendu financier ${r.year} ${grant.reference}`,
    `${r.orgName} — compte rendu financier ${r.year} — ${grant.reference}`,
  );
  pdf.heading(`Compte rendu financier de l’action subventionnée — année ${r.year}`);
  pdf.paragraph(
    'Présenté selon le modèle du formulaire CERFA n° 15059 (compte rendu financier de subvention). Réalisé : dépenses payées dans l’année ; prévu : lignes budgétaires de l’année.',
    { size: 9.5 },
  );
  pdf.facts([['Organisme', r.orgName], ...grantFacts(grant)]);
  pdf.heading('Tableau de synthèse : charges prévues et réalisées', 2);
  pdf.table(
    [
      { header: 'Catégorie', width: 20 },
      { header: 'Prévu', width: 14, align: 'right' },
      { header: 'Réalisé', width: 14, align: 'right' },
      { header: 'Écart (€)', width: 14, align: 'right' },
      { header: 'Écart (%)', width: 10, align: 'right' },
      { header: 'Explication de l’écart', width: 28 },
    ],
    [
      ...r.rows.map((x) => [
        x.label,
        formatCents(x.plannedCents),
        formatCents(x.actualCents),
        formatCents(x.gapCents),
        pct(x.gapPercent),
        x.explanation || '—',
      ]),
      [
        'Total',
        formatCents(r.totals.plannedCents),
        formatCents(r.totals.actualCents),
        formatCents(r.totals.gapCents),
        pct(r.totals.gapPercent),
        '',
      ],
    ],
    8.5,
  );
  pdf.heading('Données qualitatives de l’action', 2);
  pdf.facts(qualitativeLines(r));
  pdf.paragraph('Je certifie exactes les informations du présent compte rendu.', { size: 9.5 });
  pdf.signature('Le représentant légal ou l’ordonnateur (nom, qualité, date, signature)');
  return pdf.save();
}

/** Replaces the gap explanations (`notes`) of a year of `grant` (an empty text removes one); audited without the text. */
export async function saveNotes(
  deps: Deps,
  acting: Acting,
  input: { grant: GrantRow; year: number; notes: { category: string; explanation: string }[] },
): Promise<void> {
  const { grant, year, notes } = input;
  await inTransaction(deps.db, async (trx) => {
    await saveReportNotes(trx, grant.id, year, notes, acting.actor.userId);
    await recordAudit(trx, acting, {
      action: 'grant.report_notes_saved',
      recordType: 'grant',
      recordId: grant.id,
      data: { year, categories: notes.map((n) => n.category) },
    });
  });
}
