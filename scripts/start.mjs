// `npm start`: runs the compiled service (dist/server/main.js) under plain Node — faster to
// start and lighter than compiling TypeScript at load — after rebuilding dist/ when it is
// missing or older than a source (a checkout, an edit). Plain JavaScript.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT, isStale } from './build.mjs';

if (isStale()) {
  process.stdout.write('Compiling the service (first start, or the sources changed)…\n');
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import(pathToFileURL(path.join(DIST, 'server', 'main.js')).href);
