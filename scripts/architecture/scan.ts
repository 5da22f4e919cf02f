// The code-shape scanner: reads `server/` with the TypeScript parser and says which file
// touches which table (and how), which file imports past another capability's `index.ts`,
// which import cycles exist, and where error codes are made inline. The architecture tests
// (test/architecture/) and `npm run architecture` (the counts of docs/architecture.md) use it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '../..');
const SERVER = join(ROOT, 'server');

/**
 * The demo data (`server/demo/`) is left out, as the seed data, the generator and the tests are:
 * it is a composition root of its own that runs the use cases as the API does and writes
 * fixture rows directly where no use case exists (attendance of past sessions, old consents).
 */
const EXEMPT = new Set([join(SERVER, 'demo')]);

/** Every TypeScript file under `server/` (but the demo data), as a path relative to the repository. */
export function serverFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && EXEMPT.has(p)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(relative(ROOT, p));
    }
  };
  walk(SERVER);
  return out.sort();
}

/** The capability a file belongs to: its first folder under `server/` (`app` for the files at the top). */
export function capabilityOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : 'app';
}

const sources = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let sf = sources.get(file);
  if (!sf) {
    sf = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    sources.set(file, sf);
  }
  return sf;
}

export type Access = 'read' | 'write';
export interface TableCall {
  file: string;
  line: number;
  table: string;
  access: Access;
  /** `builder`: a knex call on the table; `sql`: a table named in SQL text. */
  via: 'builder' | 'sql';
  /** The source text of the whole call chain, or of the SQL text. */
  text: string;
}

const WRITE_METHODS = new Set([
  'insert',
  'update',
  'del',
  'delete',
  'increment',
  'decrement',
  'upsert',
  'merge',
  'truncate',
]);
const TABLE_METHODS = new Set([
  'from',
  'into',
  'table',
  'join',
  'leftJoin',
  'innerJoin',
  'rightJoin',
  'fullOuterJoin',
  'whereExists',
]);
/** The names a database handle goes by when called on a table (`trx('claims')`); other functions given a table name (`RecordId('claims')`) are not queries. */
const DB_HANDLES = new Set(['db', 'trx', 'knex', 'tx']);
const SQL_WRITE = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?([a-z_][a-z0-9_]*)"?/g;
const SQL_READ = /\b(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?/g;

function stringText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

/** The methods called along the chain a node starts (`trx('claims').where(…).update(…)` → where, update). */
function chainMethods(node: ts.Node): { methods: string[]; top: ts.Node } {
  const methods: string[] = [];
  let cur: ts.Node = node;
  for (;;) {
    const parent: ts.Node | undefined = cur.parent;
    if (parent && ts.isPropertyAccessExpression(parent) && parent.expression === cur) {
      methods.push(parent.name.text);
      cur = parent;
    } else if (parent && ts.isCallExpression(parent) && parent.expression === cur) {
      cur = parent;
    } else break;
  }
  return { methods, top: cur };
}

/** Every call on a known table in `server/`, with whether it writes. */
export function tableCalls(tables: ReadonlySet<string>, files = serverFiles()): TableCall[] {
  const out: TableCall[] = [];
  for (const file of files) {
    const sf = parse(file);
    const at = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && node.arguments.length >= 1) {
        const first = stringText(node.arguments[0]);
        const table = first?.trim().split(/\s+as\s+|\s+/i)[0];
        if (table && tables.has(table)) {
          const callee = node.expression;
          const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
          const isTableCall =
            (ts.isIdentifier(callee) && DB_HANDLES.has(callee.text)) ||
            (ts.isPropertyAccessExpression(callee) &&
              (callee.name.text === 'db' || TABLE_METHODS.has(callee.name.text)));
          if (isTableCall) {
            const { methods, top } = chainMethods(node);
            // `trx.insert(rows).into('t')`: the write is before the table.
            let before: string[] = [];
            if (
              method &&
              ts.isPropertyAccessExpression(callee) &&
              (method === 'into' || method === 'table' || method === 'from')
            ) {
              let inner: ts.Expression = callee.expression;
              while (ts.isCallExpression(inner) || ts.isPropertyAccessExpression(inner)) {
                if (ts.isPropertyAccessExpression(inner)) before.push(inner.name.text);
                inner = inner.expression;
              }
            } else if (method && method !== 'db') before = ['join'];
            const joined =
              method !== undefined && method !== 'db' && method !== 'into' && method !== 'table' && method !== 'from';
            const write = !joined && [...methods, ...before].some((m) => WRITE_METHODS.has(m));
            out.push({
              file,
              line: at(node),
              table,
              access: write ? 'write' : 'read',
              via: 'builder',
              text: top.getText(sf),
            });
          }
        }
      }
      const text =
        stringText(node) ??
        (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node) ? node.text : undefined);
      if (text !== undefined && !ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent)) {
        const writes = new Set<string>();
        for (const m of text.matchAll(SQL_WRITE)) if (tables.has(m[1])) writes.add(m[1]);
        for (const t of writes) out.push({ file, line: at(node), table: t, access: 'write', via: 'sql', text });
        for (const m of text.matchAll(SQL_READ))
          if (tables.has(m[1]) && !writes.has(m[1]))
            out.push({ file, line: at(node), table: m[1], access: 'read', via: 'sql', text });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

export interface Import {
  file: string;
  line: number;
  /** The imported file, relative to the repository (`.js` resolved to `.ts`). */
  target: string;
  typeOnly: boolean;
}

/** The relative imports (and re-exports) of every file in `server/`. */
export function imports(files = serverFiles()): Import[] {
  const out: Import[] = [];
  for (const file of files) {
    const sf = parse(file);
    for (const st of sf.statements) {
      if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier) continue;
      const spec = stringText(st.moduleSpecifier);
      if (!spec?.startsWith('.')) continue;
      const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts');
      const typeOnly = ts.isImportDeclaration(st) ? Boolean(st.importClause?.isTypeOnly) : st.isTypeOnly;
      out.push({ file, line: sf.getLineAndCharacterOfPosition(st.getStart(sf)).line + 1, target, typeOnly });
    }
  }
  return out;
}

/**
 * Imports that reach past another capability's `index.ts` (`../claims/repo.js` from payments).
 * `shared/` is the toolbox every capability uses: its files are imported one by one. The files
 * at the top of `server/` (app.ts, main.ts, cli.ts…) are the composition root: they mount each
 * capability's routes and pages and wire capabilities together, so they import any file.
 */
export function importsPastIndex(files = serverFiles()): Import[] {
  return imports(files).filter((i) => {
    if (!i.target.startsWith('server/')) return false;
    const from = capabilityOf(i.file);
    const to = capabilityOf(i.target);
    if (from === 'app' || to === from || to === 'app' || to === 'shared') return false;
    return !i.target.endsWith('/index.ts');
  });
}

/** The runtime import graph of `server/`: each file and the files it imports (type-only imports left out: they vanish at run time). */
export function importGraph(files = serverFiles()): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const i of imports(files)) {
    if (i.typeOnly) continue;
    graph.set(i.file, [...(graph.get(i.file) ?? []), i.target]);
  }
  return graph;
}

/** The import cycles between files of `server/`: the strongly connected components of its runtime import graph. */
export function importCycles(files = serverFiles()): string[][] {
  return cyclesOf(importGraph(files));
}

/** Tarjan's strongly connected components of a graph: each component of more than one node (or a node pointing at itself) is a cycle, its nodes sorted. */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

/** One loop through a cycle found by `cyclesOf`, from its first node back to it (`a → b → a`), to say which imports to break. */
export function loopIn(graph: ReadonlyMap<string, readonly string[]>, cycle: readonly string[]): string[] {
  const inCycle = new Set(cycle);
  const start = cycle[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inCycle.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...cycle];
}

export interface InlineError {
  file: string;
  line: number;
  code: string;
}

const ERROR_MAKERS = new Set(['conflict', 'forbidden', 'badRequest', 'unprocessable', 'tooLarge', 'gone']);

/** Error codes written where the error is thrown (`conflict('batch_not_exported', '…')`, `new AppError(409, 'x', …)`), outside the catalogues (`errors.ts`). */
export function inlineErrorCodes(files = serverFiles()): InlineError[] {
  const out: InlineError[] = [];
  for (const file of files) {
    if (file.endsWith('/errors.ts')) continue;
    const sf = parse(file);
    const visit = (node: ts.Node) => {
      let codeArg: ts.Node | undefined;
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ERROR_MAKERS.has(node.expression.text))
        codeArg = node.arguments[0];
      // `new AppError(code, message)`: the generic codes only, with the catalogue's message (a message written here is prose outside the catalogue).
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'AppError' &&
        node.arguments?.[1] &&
        node.arguments[1].kind !== ts.SyntaxKind.UndefinedKeyword &&
        !(ts.isIdentifier(node.arguments[1]) && node.arguments[1].text === 'undefined')
      )
        codeArg = node.arguments[0];
      const code = codeArg && stringText(codeArg);
      if (code !== undefined)
        out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, code });
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

export interface Finding {
  file: string;
  line: number;
  what: string;
}

/**
 * The HTTP layer makes the `Acting` from the session or token (`Actor`, server/shared/authorize.ts):
 * these files may take an `Actor`; nothing else does.
 */
const ACTOR_MAKERS = new Set(['server/auth/sessions.ts', 'server/auth/password-change-gate.ts']);

/** Parameter names that say who acts: an object literal with a user id under one of them is a shape of its own. */
const WHO_ACTS_NAMES = /^(actor|acting|reader|writer|by|who|caller|decider|user)$/;

/**
 * The "who acts" shape a parameter type names: `Acting` (or a part of it, `ActingActor`),
 * `Actor`, `AuditActor`, or an object literal with a user id under a who-acts name.
 */
function whoActsShape(parameter: ts.ParameterDeclaration, sf: ts.SourceFile): string | null {
  const type = parameter.type!;
  const literalCounts = WHO_ACTS_NAMES.test(parameter.name.getText(sf));
  const names = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isTypeReferenceNode(n)) names.add(n.typeName.getText(sf));
    if (literalCounts && ts.isTypeLiteralNode(n) && n.members.some((m) => m.name?.getText(sf) === 'userId'))
      names.add('{ userId… }');
    ts.forEachChild(n, visit);
  };
  visit(type);
  for (const name of ['AuditActor', 'Actor', '{ userId… }']) if (names.has(name)) return name;
  return names.has('Acting') || names.has('ActingActor') ? 'Acting' : null;
}

/**
 * Every function parameter under `server/` (but the toolbox `server/shared/` and the files that
 * make the `Actor`) that says who acts, with the shape it takes. One way to act: all `Acting`.
 */
export function whoActsParameters(files = serverFiles()): Finding[] {
  const out: Finding[] = [];
  for (const file of files) {
    if (file.startsWith('server/shared/') || ACTOR_MAKERS.has(file)) continue;
    const sf = parse(file);
    const visit = (node: ts.Node) => {
      if (ts.isParameter(node) && node.type) {
        const shape = whoActsShape(node, sf);
        if (shape) out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what: shape });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** Calls `name(…)` or `x.name(…)` under `server/`. */
export function callsOf(name: string, files = serverFiles()): Finding[] {
  const out: Finding[] = [];
  for (const file of files) {
    const sf = parse(file);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const called = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : null;
        if (called === name)
          out.push({
            file,
            line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
            what: node.getText(sf),
          });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}
