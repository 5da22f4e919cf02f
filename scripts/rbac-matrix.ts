/**
 * The route × role matrix.
 *   npx tsx scripts/rbac-matrix.ts --missing   prints table rows for routes missing from the kept table
 *                                               (test/security/rbac-matrix.ts), to review and paste there
 *   npx tsx scripts/rbac-matrix.ts --doc       rewrites the matrix in docs/security.md from the kept table
 * The kept table is the expectation: a test compares it with the declared policies and with what the
 * running service answers for every route and role.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { allRoutes } from '../server/app.js';
import { openApiRoutes } from '../server/openapi/index.js';
import { ROLES } from '../server/shared/authorize.js';
import type { Deps } from '../server/shared/deps.js';
import { EXPECTED_ACCESS, SCOPED_AUDITOR, accessKey, routeKey } from '../test/security/rbac-matrix.js';

const DOC = new URL('../docs/security.md', import.meta.url);
export const MATRIX_START = '<!-- rbac-matrix:start -->';
export const MATRIX_END = '<!-- rbac-matrix:end -->';

/** The matrix as Markdown, one row per route, from the kept table. */
export function matrixMarkdown(): string {
  const columns = [...ROLES, SCOPED_AUDITOR];
  const head = `| route | anonymous | ${ROLES.join(' | ')} | auditor limited to grants |\n|---|---|${columns.map(() => '---').join('|')}|`;
  const rows = Object.entries(EXPECTED_ACCESS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, who]) => {
      const cells = columns.map((role) =>
        who === 'public' || who === 'signed-in' || who.split(' ').includes(role) ? '✓' : '—',
      );
      return `| \`${route}\` | ${who === 'public' ? '✓' : '—'} | ${cells.join(' | ')} |`;
    });
  return [MATRIX_START, head, ...rows, MATRIX_END].join('\n');
}

function main() {
  const mode = process.argv[2];
  if (mode === '--missing') {
    const routes = [...allRoutes({} as Deps), ...openApiRoutes(() => ({}))];
    for (const r of routes) {
      const key = routeKey(r);
      if (!(key in EXPECTED_ACCESS)) console.log(`  '${key}': '${accessKey(r.access)}',`);
    }
    return;
  }
  if (mode === '--doc') {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(MATRIX_START);
    const end = doc.indexOf(MATRIX_END);
    if (start < 0 || end < 0) throw new Error('docs/security.md has no rbac-matrix markers');
    writeFileSync(DOC, doc.slice(0, start) + matrixMarkdown() + doc.slice(end + MATRIX_END.length));
    console.log('docs/security.md: matrix rewritten');
    return;
  }
  console.error('usage: tsx scripts/rbac-matrix.ts --missing | --doc');
  process.exit(2);
}

if (process.argv[1]?.endsWith('rbac-matrix.ts')) main();
