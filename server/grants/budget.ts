import type { Db } from '../shared/db.js';
import type { Role } from '../shared/authorize.js';
import { requireOverride, type Override } from '../shared/override.js';
import { formatCents } from '../shared/money.js';
import { COST_CATEGORY_LABELS, type CostCategory } from '../settings/index.js';
import { splitExpense, type PlannedPart, type SplitWarning } from './allocation.js';
import { fundingGrants, lockBudgetLines, replaceParts, usedOnLines } from './repo.js';
import { BUDGET_OVERRIDE_ROLES } from './policy.js';
import { grantsError } from './errors.js';

export interface Warning {
  code: string;
  message: string;
}

/** What a use case asks of the budget control: check (and may the actor overrule with a reason?). */
export interface BudgetControl {
  /** false for a re-split: overspending is reported as warnings, never refused. */
  check: boolean;
  override?: Override;
  roles?: readonly Role[];
}

export interface ToPlace {
  id: string;
  projectId: string;
  category: string;
  incurredOn: string;
  amountCents: number;
}

const label = (c: string) => COST_CATEGORY_LABELS[c as CostCategory] ?? c;

/** The parts each expense would get now (shares, periods, eligibility, budget lines). */
export async function planParts(
  trx: Db,
  expenses: ToPlace[],
): Promise<Map<string, { parts: PlannedPart[]; warnings: SplitWarning[] }>> {
  const plans = new Map<string, { parts: PlannedPart[]; warnings: SplitWarning[] }>();
  for (const e of expenses) {
    const grants = await fundingGrants(trx, e.projectId, e.category, e.incurredOn);
    plans.set(
      e.id,
      splitExpense(e.amountCents, grants, { category: label(e.category), year: Number(e.incurredOn.slice(0, 4)) }),
    );
  }
  return plans;
}

/**
 * Places the parts of `expenses` (replacing any they had) on the budget lines, under the
 * lines' row locks taken in id order inside the caller's transaction: two racing decisions
 * never both take the last euros of a line. Committed and actual parts of other
 * (non-cancelled) expenses count against a line. With `check`, a line pushed past its amount
 * answers 409 `budget_exceeded_requires_override` naming it and what remains, unless
 * overruled by a finance officer with a reason (then `overridden` is true). Without `check`
 * (re-split), the overspent lines come back as warnings.
 */
export async function placeExpenses(
  trx: Db,
  expenses: ToPlace[],
  control: BudgetControl,
): Promise<{ warnings: Warning[]; overridden: boolean }> {
  const plans = await planParts(trx, expenses);
  const lineIds = [...plans.values()].flatMap((p) =>
    p.parts.map((x) => x.budgetLineId).filter((x): x is string => !!x),
  );
  const lines = await lockBudgetLines(trx, lineIds);
  const used = await usedOnLines(
    trx,
    lines.map((l) => l.id),
    expenses.map((e) => e.id),
  );
  const adding = new Map<string, number>();
  for (const p of plans.values())
    for (const part of p.parts)
      if (part.budgetLineId) adding.set(part.budgetLineId, (adding.get(part.budgetLineId) ?? 0) + part.amountCents);
  const over = lines.filter(
    (l) => (adding.get(l.id) ?? 0) > 0 && (used.get(l.id) ?? 0) + adding.get(l.id)! > Number(l.amount_cents),
  );
  const describe = (l: (typeof lines)[number]) => {
    const remaining = Number(l.amount_cents) - (used.get(l.id) ?? 0);
    return `${l.grant_reference} · ${label(l.category)} · ${l.year} : reste ${formatCents(Math.max(0, remaining))} (${remaining} centimes), il faudrait ${formatCents(adding.get(l.id)!)}`;
  };
  let overridden = false;
  const warnings: Warning[] = [...plans.values()].flatMap((p) =>
    p.warnings.map((w) => ({ code: w.code, message: w.message })),
  );
  if (over.length && control.check) {
    requireOverride(
      grantsError(
        'budget_exceeded_requires_override',
        over.map((l) => ({ field: `budgetLines.${l.id}`, message: describe(l) })),
      ),
      control.override,
      !!control.roles?.some((r) => BUDGET_OVERRIDE_ROLES.includes(r)),
    );
    overridden = true;
  } else if (over.length) {
    warnings.push(...over.map((l) => ({ code: 'budget_line_overspent', message: `Ligne dépassée : ${describe(l)}` })));
  }
  for (const e of expenses) await replaceParts(trx, e.id, plans.get(e.id)!.parts);
  const unique = new Map(warnings.map((w) => [`${w.code}:${w.message}`, w]));
  return { warnings: [...unique.values()], overridden };
}
