import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import { REGISTRY } from './registry/registry.js';
import { rowScopes, type Category, type Erasure, type PersonalColumn, type TableDecl } from './registry/types.js';

/**
 * The generic erasure engine: it reads the registry and builds, per table (or kind of rows of
 * a table, such as paid receipts in `files`) linked to participants, the UPDATE that erases
 * what a lifecycle step must erase. Nothing here names a column: a new personal column
 * declared in the registry is erased without touching this file.
 */
export type Step = 'archive' | 'anonymise';
export const STEPS: readonly Step[] = ['archive', 'anonymise'];

/** Rows touched per table and data category: `{ participants: { contact: 3 } }`. */
export type ErasureCounts = Record<string, Partial<Record<Category, number>>>;

interface ErasableColumn {
  name: string;
  category: Category;
  /** SQL of the erased value (NULL or a constant). */
  erasedSql: string;
}

interface TablePlan {
  table: string;
  /** The kind of rows, when the table has several (counts are still reported per table). */
  kind: string | null;
  link: string;
  marker?: string;
  columns: ErasableColumn[];
}

function erasedSql(erasure: Erasure): string {
  if (erasure === 'keep') throw new Error('a kept column is not erasable');
  return erasure === 'set_null' ? 'NULL' : erasure.constant;
}

/** True when `step` erases the column: archiving erases what accounting does not need; anonymisation erases everything the lifecycle governs. */
export function erasedAt(column: PersonalColumn, step: Step): boolean {
  if (column.erasure === 'keep') return false;
  if (column.retention === 'active') return true;
  return column.retention === 'accounting' && step === 'anonymise';
}

function planFor(step: Step, registry: Record<string, TableDecl> = REGISTRY): TablePlan[] {
  const plans: TablePlan[] = [];
  for (const scope of rowScopes(registry)) {
    if (!scope.participantLink) continue;
    const columns: ErasableColumn[] = [];
    for (const [name, c] of Object.entries(scope.columns)) {
      if (c.personal && erasedAt(c, step))
        columns.push({ name, category: c.category, erasedSql: erasedSql(c.erasure) });
    }
    if (columns.length)
      plans.push({
        table: scope.table,
        kind: scope.kind,
        link: scope.participantLink,
        marker: scope.erasedMarker,
        columns,
      });
  }
  return plans;
}

const PLANS: Record<Step, TablePlan[]> = { archive: planFor('archive'), anonymise: planFor('anonymise') };

/** The columns a step erases, by table, or by `table:kind` for tables with kinds of rows (for documentation and tests). */
export function erasedColumns(step: Step): Record<string, string[]> {
  return Object.fromEntries(
    PLANS[step].map((p) => [p.kind ? `${p.table}:${p.kind}` : p.table, p.columns.map((c) => c.name)]),
  );
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const stillHeld = (c: ErasableColumn) => `${quote(c.name)} IS DISTINCT FROM ${c.erasedSql}`;

/** Counts, per category, the rows of these participants that one plan would change. */
async function countPlan(
  trx: Db,
  plan: TablePlan,
  participantIds: string[],
): Promise<Partial<Record<Category, number>>> {
  const categories = [...new Set(plan.columns.map((c) => c.category))];
  const selects = categories.map((cat, i) => {
    const held = plan.columns
      .filter((c) => c.category === cat)
      .map(stillHeld)
      .join(' OR ');
    return `count(*) FILTER (WHERE ${held}) AS c${i}`;
  });
  const { rows } = await trx.raw(`SELECT ${selects.join(', ')} FROM ${quote(plan.table)} WHERE ${plan.link}`, [
    participantIds,
  ]);
  const found: Partial<Record<Category, number>> = {};
  categories.forEach((cat, i) => {
    const n = Number(rows[0][`c${i}`]);
    if (n > 0) found[cat] = n;
  });
  return found;
}

/** Counts, per table and category, the rows of these participants that a step would change. */
export async function countErasures(trx: Db, participantIds: string[], step: Step): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  if (participantIds.length === 0) return counts;
  for (const plan of PLANS[step]) {
    const found = await countPlan(trx, plan, participantIds);
    if (Object.keys(found).length) addCounts(counts, { [plan.table]: found });
  }
  return counts;
}

/**
 * Erases, for these participants, every value the step erases (one UPDATE per table or kind
 * of rows, only on rows that still hold something) and returns what it changed. The caller
 * holds the participants' row locks and has already moved their status.
 */
export async function applyErasures(trx: Db, participantIds: string[], step: Step, now: Date): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  if (participantIds.length === 0) return counts;
  for (const plan of PLANS[step]) {
    const found = await countPlan(trx, plan, participantIds);
    if (!Object.keys(found).length) continue;
    addCounts(counts, { [plan.table]: found });
    const sets = plan.columns.map((c) => `${quote(c.name)} = ${c.erasedSql}`);
    const bindings: Knex.RawBinding[] = [];
    if (plan.marker) {
      sets.push(`${quote(plan.marker)} = coalesce(${quote(plan.marker)}, ?)`);
      bindings.push(now);
    }
    bindings.push(participantIds);
    await trx.raw(
      `UPDATE ${quote(plan.table)} SET ${sets.join(', ')} WHERE (${plan.link}) AND (${plan.columns.map(stillHeld).join(' OR ')})`,
      bindings,
    );
  }
  return counts;
}

/** Adds `more` into `total` (run totals across batches). */
export function addCounts(total: ErasureCounts, more: ErasureCounts): ErasureCounts {
  for (const [table, cats] of Object.entries(more)) {
    const t = (total[table] ??= {});
    for (const [cat, n] of Object.entries(cats) as [Category, number][]) t[cat] = (t[cat] ?? 0) + n;
  }
  return total;
}
