// `npm run build` (also run by `npm ci` and `npm install`, through `prepare`): compiles server/
// and db/ to JavaScript in dist/ and builds the embedded database's migrated template
// (server/shared/pglite-template.ts). `npm start` runs dist/, rebuilding first when a source is
// newer than the last build (scripts/start.mjs). Plain JavaScript: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const STAMP = path.join(DIST, '.build-stamp');
/**
 * What the build reads (server/ and db/, this script, the lock file and the compiler settings):
 * a file here newer than the stamp means dist/ is out of date. Templates and assets are read
 * from the project folder at run time, not built.
 */
export const INPUTS = [
  'server',
  'db',
  'scripts/build.mjs',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** The newest modification time (ms) of the build's inputs. */
export function newestInput() {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const i of INPUTS) visit(path.join(ROOT, i));
  return newest;
}

/** True when dist/ is missing or older than one of its inputs. */
export function isStale() {
  try {
    return fs.statSync(STAMP).mtimeMs < newestInput();
  } catch {
    return true;
  }
}

async function build() {
  const started = Date.now();
  const say = (line) => process.stdout.write(`[build] ${line}\n`);
  // From scratch: a source removed since the last build (a migration above all) must leave no
  // compiled file behind.
  fs.rmSync(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (compiled.status !== 0) {
    fs.rmSync(DIST, { recursive: true, force: true });
    throw new Error('TypeScript compilation failed (see above)');
  }
  say(`compiled server/ and db/ to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const t = Date.now();
  const { buildPgliteTemplate } = await import(pathToFileURL(path.join(DIST, 'server/shared/pglite-template.js')).href);
  const template = await buildPgliteTemplate();
  say(
    `embedded database template (dist/pglite-template): ${template.migrations} migrations, ${(template.bytes / 1e6).toFixed(0)} MB, in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build().catch((e) => {
    process.stderr.write(`[build] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
