import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import { REGISTRY } from './registry.js';
import type { Category, Erasure, PersonalColumn, TableDecl } from './registry-types.js';

/**
 * The generic erasure engine: it reads the registry and builds, per table linked to
 * participants, the UPDATE that erases what a lifecycle step must erase. Nothing here names a
 * column: a new personal column declared in the registry is erased without touching this file.
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
  for (const [table, decl] of Object.entries(registry)) {
    if (!decl.participantLink) continue;
    const columns: ErasableColumn[] = [];
    for (const [name, c] of Object.entries(decl.columns)) {
      if (c.personal && erasedAt(c, step)) columns.push({ name, category: c.category, erasedSql: erasedSql(c.erasure) });
    }
    if (columns.length) plans.push({ table, link: decl.participantLink, marker: decl.erasedMarker, columns });
  }
  return plans;
}

const PLANS: Record<Step, TablePlan[]> = { archive: planFor('archive'), anonymise: planFor('anonymise') };

/** The columns a step erases, by table (for documentation, the register and tests). */
export function erasedColumns(step: Step): Record<string, string[]> {
  return Object.fromEntries(PLANS[step].map((p) => [p.table, p.columns.map((c) => c.name)]));
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const stillHeld = (c: ErasableColumn) => `${quote(c.name)} IS DISTINCT FROM ${c.erasedSql}`;

/** Counts, per table and category, the rows of these participants that a step would change. */
export async function countErasures(trx: Db, participantIds: string[], step: Step): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  if (participantIds.length === 0) return counts;
  for (const plan of PLANS[step]) {
    const categories = [...new Set(plan.columns.map((c) => c.category))];
    const selects = categories.map((cat, i) => {
      const held = plan.columns.filter((c) => c.category === cat).map(stillHeld).join(' OR ');
      return `count(*) FILTER (WHERE ${held}) AS c${i}`;
    });
    const { rows } = await trx.raw(`SELECT ${selects.join(', ')} FROM ${quote(plan.table)} WHERE ${plan.link}`, [participantIds]);
    const found: Partial<Record<Category, number>> = {};
    categories.forEach((cat, i) => {
      const n = Number(rows[0][`c${i}`]);
      if (n > 0) found[cat] = n;
    });
    if (Object.keys(found).length) counts[plan.table] = found;
  }
  return counts;
}

/**
 * Erases, for these participants, every value the step erases (one UPDATE per table, only on
 * rows that still hold something) and returns what it changed. The caller holds the
 * participants' row locks and has already moved their status.
 */
export async function applyErasures(trx: Db, participantIds: string[], step: Step, now: Date): Promise<ErasureCounts> {
  const counts = await countErasures(trx, participantIds, step);
  if (participantIds.length === 0) return counts;
  for (const plan of PLANS[step]) {
    if (!counts[plan.table]) continue;
    const sets = plan.columns.map((c) => `${quote(c.name)} = ${c.erasedSql}`);
    const bindings: Knex.RawBinding[] = [];
    if (plan.marker) {
      sets.push(`${quote(plan.marker)} = coalesce(${quote(plan.marker)}, ?)`);
      bindings.push(now);
    }
    bindings.push(participantIds);
    await trx.raw(`UPDATE ${quote(plan.table)} SET ${sets.join(', ')} WHERE (${plan.link}) AND (${plan.columns.map(stillHeld).join(' OR ')})`, bindings);
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
