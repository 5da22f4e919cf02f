import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { ctx } from '../helpers/context.js';
import { formatCents } from '../../server/shared/money.js';

export const db = () => ctx().deps.db;

/**
 * Follows a dashboard link: the JSON list (every page, two expenses at a time) and the page
 * both give the same total, which is returned. Filtered by grant or budget line, each
 * expense counts only its parts on it (an expense split across two grants, only its share).
 */
export async function followLink(client: Client, href: string): Promise<number> {
  expect(href.startsWith('/expenses?'), href).to.equal(true);
  const params = new URLSearchParams(href.slice(href.indexOf('?') + 1));
  let cursor: string | null = null;
  let sum = 0;
  let listed = 0;
  let answer: any;
  do {
    answer = await client.get(`/api/expenses?${params}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status, `${href}: ${answer.text}`).to.equal(200);
    for (const e of answer.body.items) {
      const counted = e.parts.filter(
        (p: any) =>
          (!params.get('grantId') || p.grantId === params.get('grantId')) &&
          (!params.get('budgetLineId') || p.budgetLineId === params.get('budgetLineId')),
      );
      expect(e.listedCents, `${href}: ${e.reference}`).to.equal(
        params.get('grantId') || params.get('budgetLineId')
          ? counted.reduce((t: number, p: any) => t + p.amountCents, 0)
          : e.amountCents,
      );
      sum += e.listedCents;
      listed += 1;
    }
    cursor = answer.body.nextCursor;
  } while (cursor);
  expect(sum, href).to.equal(answer.body.totalCents);
  expect(listed, href).to.equal(answer.body.count);
  const page = await client.get(href);
  expect(page.status, href).to.equal(200);
  expect(/<dt>Total<\/dt><dd>([^<]+)<\/dd>/.exec(page.text)?.[1], href).to.equal(formatCents(sum));
  return sum;
}

/** The links to the expense list on an HTML page, in order (`&amp;` unescaped). */
export function pageExpenseLinks(html: string): string[] {
  return [...html.matchAll(/href="(\/expenses\?[^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
}

/** A grant funding `projectId` (default 100 %), period 2024–2027, with the budget lines given (category → cents, for `year`). */
export async function fundedGrant(
  finance: Client,
  projectId: string | null,
  lines: Record<string, number> = {},
  options: { shareBp?: number; year?: number; funder?: string; eligible?: string[] } = {},
) {
  const r = await finance.post('/api/grants', {
    funder: options.funder ?? 'État — Pacte des solidarités',
    programme: 'Pacte',
    periodStart: '2024-01-01',
    periodEnd: '2027-12-31',
    totalCents: 10_000_000,
    cofundingRateBp: 5000,
    eligibleCategories: options.eligible ?? [
      'transport',
      'mileage',
      'childcare',
      'meals',
      'allowances',
      'venue',
      'catering',
      'facilitation',
    ],
    ceilings: [{ year: 2026, ceilingCents: 2_500_000 }],
    projects: projectId ? [{ projectId, shareBp: options.shareBp ?? 10000 }] : [],
  });
  expect(r.status, r.text).to.equal(201);
  for (const [category, amountCents] of Object.entries(lines)) {
    const l = await finance.post(`/api/grants/${r.body.id}/budget-lines`, {
      category,
      year: options.year ?? 2026,
      amountCents,
    });
    expect(l.status, l.text).to.equal(201);
  }
  const g = await finance.get(`/api/grants/${r.body.id}`);
  return g.body as {
    id: string;
    reference: string;
    version: number;
    budgetLines: {
      id: string;
      category: string;
      year: number;
      amountCents: number;
      committedCents: number;
      actualCents: number;
      remainingCents: number;
    }[];
  };
}

export async function lineOf(client: Client, grantId: string, category: string, year = 2026) {
  const g = await client.get(`/api/grants/${grantId}`);
  return g.body.budgetLines.find(
    (l: { category: string; year: number }) => l.category === category && l.year === year,
  ) as { id: string; amountCents: number; committedCents: number; actualCents: number; remainingCents: number };
}

export async function expensesOfClaim(claimId: string) {
  return db()('expenses').where({ claim_id: claimId }).orderBy('created_at').select('*');
}

export async function partsOf(expenseId: string) {
  return db()('expense_parts').where({ expense_id: expenseId }).select('*');
}
