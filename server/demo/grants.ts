import type { DemoStep } from './load-demo.js';
import { addDays, toLocal } from '../shared/dates.js';
import { centsToDecimal } from '../shared/money.js';
import { createGrant } from '../grants/manage-grants.js';
import { addBudgetLine } from '../grants/budget-lines.js';
import { createInvoiceExpense } from '../grants/expenses.js';
import { receiptPdf } from './claims.js';
import { demoStaff } from './acting.js';

const FINANCE_EMAIL = 'sophie.lefevre@departement.example';
const PROJECT_NAME = 'Refonte du guide des aides aux familles';
const AGREEMENT = 'PDS-26-2024-017';

/** Eligible cost per category and year (cents): generous enough for the demo's claims and bookings. */
const LINES: Record<string, number> = {
  transport: 300_000,
  mileage: 200_000,
  childcare: 250_000,
  meals: 80_000,
  allowances: 400_000,
  venue: 150_000,
  catering: 120_000,
  facilitation: 600_000,
};

/**
 * Demo step: the Pacte des solidarités grant (State, 50 % co-funding, 2024–2027, annual
 * ceilings) funds the demo project at 100 %, with a budget line per category and year;
 * attaching the project commits the bookings confirmed by the logistics step. Two invoices
 * (catering paid, facilitation committed) with a small PDF. Runs before the claims step, so
 * that demo decisions and payments go through the budget. Does nothing without the project,
 * or when the grant is already there.
 */
export const demoGrants: DemoStep = async (deps, staff) => {
  const finance = staff[FINANCE_EMAIL];
  const project = await deps.db('projects').where({ name: PROJECT_NAME }).first('id');
  if (!finance || !project) return;
  if (await deps.db('grants').where({ agreement_number: AGREEMENT }).first('id')) return;
  const acting = await demoStaff(deps, finance, ['finance']);
  const { id } = await createGrant(deps, acting, {
    funder: 'État — Pacte des solidarités',
    programme: 'Pacte local des solidarités de la Drôme',
    axis: 'Axe 4 — Participation des personnes concernées',
    agreementNumber: AGREEMENT,
    periodStart: '2024-01-01',
    periodEnd: '2027-12-31',
    totalCents: 12_000_000,
    cofundingRateBp: 5000,
    eligibleCategories: [
      'transport',
      'mileage',
      'childcare',
      'meals',
      'allowances',
      'venue',
      'catering',
      'facilitation',
    ],
    ceilings: [2024, 2025, 2026, 2027].map((year) => ({ year, ceilingCents: 3_000_000 })),
    projects: [{ projectId: project.id, shareBp: 10000 }],
  });
  for (const year of [2024, 2025, 2026, 2027]) {
    for (const [category, amountCents] of Object.entries(LINES))
      await addBudgetLine(deps, acting, { grantId: id, category, year, amountCents });
  }
  const settings = await acting.settings();
  const held = await deps
    .db('sessions')
    .where({ project_id: project.id, status: 'held' })
    .orderBy('starts_at')
    .select('starts_at');
  const today = toLocal(acting.now, settings.timeZone).date;
  const day = (i: number) =>
    held[i] ? toLocal(new Date(held[i].starts_at), settings.timeZone).date : addDays(today, -30 * (i + 1));
  const invoices = [
    {
      category: 'catering' as const,
      supplier: 'Traiteur Saveurs de la Drôme',
      invoiceNumber: 'TSD-2026-0412',
      description: 'Buffet et boissons, atelier 1',
      amountCents: 38_650,
      incurredOn: day(0),
      paidOn: addDays(day(0), 21),
    },
    {
      category: 'facilitation' as const,
      supplier: 'Coopérative Paroles Partagées',
      invoiceNumber: 'PP-26-031',
      description: 'Animation des ateliers de co-écriture',
      amountCents: 180_000,
      incurredOn: day(1),
      paidOn: undefined,
    },
  ];
  for (const inv of invoices) {
    const { paidOn, ...rest } = inv;
    const pdf = receiptPdf([
      inv.supplier,
      `Facture ${inv.invoiceNumber}`,
      inv.description,
      `Total TTC : ${centsToDecimal(inv.amountCents)} EUR`,
    ]);
    await createInvoiceExpense(deps, acting, {
      ...rest,
      projectId: project.id,
      amountCents: String(inv.amountCents),
      ...(paidOn && paidOn <= today ? { paidOn } : {}),
      file: { buffer: pdf, originalname: `facture-${inv.invoiceNumber}.pdf` },
    });
  }
};
