import type { Db } from '../shared/db.js';
import type { Settings } from '../settings/index.js';
import { REGISTRY } from './registry/registry.js';
import {
  isExcluded,
  rowScopes,
  type ExportColumn,
  type ExportProjection,
  type PersonalColumn,
  type RowScope,
  type TableDecl,
} from './registry/types.js';
import { ACTIVITIES, retentionText } from './processing-register/register.js';
import { REGISTER_LEGAL_BASIS_LABELS } from './labels.js';

/**
 * The access export (GDPR art. 15) built from the registry: every set of rows linked to a
 * participant (`rowScopes`, files split by kind) gives what its `export` declaration says is
 * the person's, under its French label, with what art. 15(1) requires beside the data:
 * purposes, legal bases, recipients, retention and source. A set of rows declared `excluded`
 * is named with the reason. A scope with a participant link and no declaration throws: no
 * table can silently fall out of the export (test/privacy/export-complete.test.ts).
 */
export interface ExportSection {
  table: string;
  kind: string | null;
  label: string;
  source: string;
  purposes: { code: string; name: string; legalBases: string[] }[];
  recipients: string[];
  retention: string[];
  /** Key → French label, in the declared order. */
  columns: Record<string, string>;
  rows: Record<string, unknown>[];
}

export interface ExportedFile {
  /** Path inside the ZIP. */
  name: string;
  fileId: string;
}

const labelOf = (c: ExportColumn) => (typeof c === 'string' ? c : c.label);
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

const scopeName = (s: RowScope) => `${s.table}${s.kind ? ` (${s.kind})` : ''}`;

/**
 * What is wrong with the export declarations of a registry: a participant-linked scope without
 * one, an empty projection or reason, a column the table does not declare, a staff column.
 */
export function exportDeclarationProblems(registry: Record<string, TableDecl>): string[] {
  return rowScopes(registry)
    .filter((s) => s.participantLink)
    .flatMap((s): string[] => {
      const decl = s.export;
      if (!decl) return [`${scopeName(s)}: linked to participants but declares no export`];
      if (isExcluded(decl)) return decl.excluded.trim() ? [] : [`${scopeName(s)}: excluded without a reason`];
      const problems: string[] = [];
      if (!Object.keys(decl.columns).length) problems.push(`${scopeName(s)}: exports no column`);
      if (!decl.source.trim()) problems.push(`${scopeName(s)}: no source`);
      for (const [key, c] of Object.entries(decl.columns)) {
        if (typeof c !== 'string') continue;
        const col = s.columns[key];
        if (!col) problems.push(`${scopeName(s)}: exports ${key}, which the table does not declare`);
        else if (col.personal && col.subject === 'staff')
          problems.push(`${scopeName(s)}: exports ${key}, a staff column`);
      }
      return problems;
    });
}

/** The scopes the export reads; throws when a declaration is missing or wrong (no table falls out silently). */
export function exportScopes(): (RowScope & { export: NonNullable<RowScope['export']> })[] {
  const problems = exportDeclarationProblems(REGISTRY);
  if (problems.length)
    throw new Error(`access export declarations (server/privacy/registry/*.ts): ${problems.join('; ')}`);
  return rowScopes(REGISTRY).filter((s): s is RowScope & { export: NonNullable<RowScope['export']> } =>
    Boolean(s.participantLink),
  );
}

/** What art. 15(1) requires beside the data, from the declarations of the scope's personal columns about the person. */
function article15(scope: RowScope, settings: Settings) {
  const own = Object.values(scope.columns).filter(
    (c): c is PersonalColumn => c.personal && c.subject !== 'staff' && c.subject !== 'partner_contact',
  );
  const purposes = [...new Set(own.map((c) => c.purpose))].map((p) => ({
    code: p,
    name: ACTIVITIES[p].name,
    legalBases: [
      ...new Set(
        own.filter((c) => c.purpose === p).map((c) => REGISTER_LEGAL_BASIS_LABELS[c.legalBasis] ?? c.legalBasis),
      ),
    ],
  }));
  return {
    purposes,
    recipients: [
      ...new Set(purposes.flatMap((p) => ACTIVITIES[p.code as keyof typeof ACTIVITIES].recipients(settings))),
    ],
    retention: [...new Set(own.map((c) => retentionText(c.retention, settings)))],
  };
}

const safeName = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '_')
    .slice(0, 80) || 'document';

async function readScope(
  db: Db,
  scope: RowScope,
  decl: ExportProjection,
  participantId: string,
  files: ExportedFile[],
) {
  const select = Object.entries(decl.columns).map(([key, c]) =>
    typeof c === 'string' ? `${ident(table(scope))}.${ident(key)} AS ${ident(key)}` : `(${c.sql}) AS ${ident(key)}`,
  );
  if (decl.attach)
    select.push(
      `${ident(table(scope))}.id AS "__file_id"`,
      `(${ident(table(scope))}.content IS NOT NULL) AS "__has_content"`,
    );
  const sql = `SELECT ${select.join(', ')} FROM ${ident(table(scope))} WHERE (${scope.participantLink}) AND (${decl.rows ?? 'true'}) ORDER BY 1`;
  const { rows } = await db.raw(sql, [[participantId]]);
  return (rows as Record<string, unknown>[]).map((row) => {
    const { __file_id: fileId, __has_content: hasContent, ...rest } = row;
    if (!decl.attach) return rest;
    if (!hasContent) return { ...rest, file: null };
    const name = `documents/${scope.kind ?? scope.table}-${files.length + 1}-${safeName(String(rest.original_name ?? 'document'))}`;
    files.push({ name, fileId: String(fileId) });
    return { ...rest, file: name };
  });
}
const table = (s: RowScope) => s.table;

export async function exportSections(db: Db, participantId: string, settings: Settings) {
  const sections: ExportSection[] = [];
  const notExported: { table: string; kind: string | null; label: string; reason: string }[] = [];
  const files: ExportedFile[] = [];
  for (const scope of exportScopes()) {
    const decl = scope.export;
    if (isExcluded(decl)) {
      notExported.push({ table: scope.table, kind: scope.kind, label: scope.label, reason: decl.excluded });
      continue;
    }
    const columns = Object.fromEntries(Object.entries(decl.columns).map(([k, c]) => [k, labelOf(c)]));
    if (decl.attach) columns.file = 'Fichier joint';
    const rows = await readScope(db, scope, decl, participantId, files);
    sections.push({
      table: scope.table,
      kind: scope.kind,
      label: scope.label,
      source: decl.source,
      ...article15(scope, settings),
      columns,
      rows,
    });
  }
  return { sections, notExported, files };
}
