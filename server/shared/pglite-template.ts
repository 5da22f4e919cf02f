import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { migrateLatest, migrationSource, openEmbeddedDatabase } from './db.js';
import { PROJECT_ROOT } from './paths.js';

/**
 * The embedded database's template: a PGlite data folder already created and migrated, written
 * by the build (`npm run build`, which `npm ci` runs) into dist/. A new embedded data folder
 * starts as a copy of it (then opens like an existing folder, about 1 s) instead of PGlite's
 * initdb and every migration (5–9 s of CPU). It is used only when it matches what would be
 * built now — same PGlite version, and each migration it holds still present with the same
 * content; migrations added since are applied on top as usual. Otherwise it is ignored.
 */
export const TEMPLATE_DIR = path.join(PROJECT_ROOT, 'dist', 'pglite-template');
const SOURCES_DIR = path.join(PROJECT_ROOT, 'db', 'migrations');
const metaFile = (dir: string) => path.join(dir, 'template.json');
const dataOf = (dir: string) => path.join(dir, 'pgdata');

interface TemplateMeta {
  pglite: string;
  /** Migration name → SHA-256 of its source. */
  migrations: Record<string, string>;
}

/** The installed PGlite's version (its package.json is not exported: found above its entry). */
function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Each migration's name (as recorded: its .ts name) and the SHA-256 of its TypeScript source,
 * the same whether this runs from the sources or from dist/.
 */
async function migrationHashes(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of await migrationSource.getMigrations([])) {
    const name = migrationSource.getMigrationName(file);
    out[name] = createHash('sha256')
      .update(fs.readFileSync(path.join(SOURCES_DIR, name)))
      .digest('hex');
  }
  return out;
}

/** Creates a PGlite data folder in `dir`, migrates it, closes it cleanly and describes it. */
export async function buildPgliteTemplate(dir = TEMPLATE_DIR): Promise<{ bytes: number; migrations: number }> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // openEmbeddedDatabase(dir) puts the cluster in dir/pgdata, behind dir/service.lock.
  const database = await openEmbeddedDatabase(dir);
  let migrations: number;
  try {
    migrations = (await migrateLatest(database.knex)).length;
  } finally {
    await database.close();
  }
  const meta: TemplateMeta = { pglite: pgliteVersion(), migrations: await migrationHashes() };
  fs.writeFileSync(metaFile(dir), `${JSON.stringify(meta, null, 2)}\n`);
  let bytes = 0;
  for (const e of fs.readdirSync(dataOf(dir), { recursive: true, withFileTypes: true }))
    if (e.isFile()) bytes += fs.statSync(path.join(e.parentPath, e.name)).size;
  return { bytes, migrations };
}

/** The template's cluster folder (to copy as a new data folder's pgdata), or null when there is none or it does not match. */
export async function findPgliteTemplate(dir = TEMPLATE_DIR): Promise<string | null> {
  let meta: TemplateMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaFile(dir), 'utf8')) as TemplateMeta;
  } catch {
    return null;
  }
  if (meta.pglite !== pgliteVersion() || !fs.existsSync(path.join(dataOf(dir), 'PG_VERSION'))) return null;
  const current = await migrationHashes();
  for (const [name, hash] of Object.entries(meta.migrations)) if (current[name] !== hash) return null;
  return dataOf(dir);
}
