import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's folder (the one holding package.json), found by walking up from this file, so
 * that templates and assets resolve the same whether the code runs from its TypeScript sources
 * (tsx: server/shared/) or from the compiled build (dist/server/shared/).
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the server folder');
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot();
