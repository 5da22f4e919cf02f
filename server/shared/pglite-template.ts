import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { migrateLatest, migrationSource, openEmbeddedDatabase } from './db.js';
import { PROJECT_ROOT } from './paths.js';

/**
 * The embedded database's template: a PGlite data folder already created and migrated, dumped
 * by the build (`npm run build`, which `npm ci` runs) into dist/. A new embedded data folder is
 * filled from it (about 1.5 s) instead of PGlite's initdb and every migration (about 6 s): the
 * first `npm start` reaches /health sooner. It is used only when it matches what would be
 * built now — same PGlite version, and each migration it holds still present with the same
 * content; migrations added since are applied on top as usual. Otherwise it is ignored.
 */
export const TEMPLATE_FILE = path.join(PROJECT_ROOT, 'dist', 'pglite-template.tar.gz');
const SOURCES_DIR = path.join(PROJECT_ROOT, 'db', 'migrations');
const metaFile = (file: string) => file.replace(/\.tar\.gz$/, '.json');

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
    out[name] = createHash('sha256').update(fs.readFileSync(path.join(SOURCES_DIR, name))).digest('hex');
  }
  return out;
}

/** Creates and migrates an in-memory PGlite and writes its dump and a description beside it. */
export async function buildPgliteTemplate(file = TEMPLATE_FILE): Promise<{ bytes: number; migrations: number }> {
  const database = await openEmbeddedDatabase(null);
  try {
    const applied = await migrateLatest(database.knex);
    const dump = Buffer.from(await (await database.dump()).arrayBuffer());
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, dump);
    const meta: TemplateMeta = { pglite: pgliteVersion(), migrations: await migrationHashes() };
    fs.writeFileSync(metaFile(file), `${JSON.stringify(meta, null, 2)}\n`);
    return { bytes: dump.length, migrations: applied.length };
  } finally {
    await database.close();
  }
}

/** The template as a Blob for `loadDataDir`, or null when there is none or it does not match. */
export async function findPgliteTemplate(file = TEMPLATE_FILE): Promise<Blob | null> {
  let meta: TemplateMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaFile(file), 'utf8')) as TemplateMeta;
  } catch {
    return null;
  }
  if (meta.pglite !== pgliteVersion() || !fs.existsSync(file)) return null;
  const current = await migrationHashes();
  for (const [name, hash] of Object.entries(meta.migrations)) if (current[name] !== hash) return null;
  return new Blob([fs.readFileSync(file)]);
}
