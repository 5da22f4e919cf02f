// `npm test`: runs the suite on the PostgreSQL server named by DATABASE_URL and, at the same
// time (the machine has two cores; each pass keeps one busy), a pass on the embedded PGlite
// (without the @pg tests, which need a real server's concurrency, and without the browser
// tests already run). The server pass prints as it goes, the embedded one when it is done.
// Without DATABASE_URL, only the embedded pass runs and the @pg tests are not selected:
// `bash .ci/run` starts a server and runs everything.
import { spawn } from 'node:child_process';

interface Pass {
  label: string;
  env: Record<string, string | undefined>;
  args: string[];
}

const extra = process.argv.slice(2);
const serverUrl = process.env.DATABASE_URL;
const passes: Pass[] = [];
if (serverUrl) passes.push({ label: 'PostgreSQL server (DATABASE_URL)', env: { DATABASE_URL: serverUrl }, args: [] });
passes.push({
  label: 'embedded PGlite',
  env: { DATABASE_URL: undefined },
  // @router tests walk every route for every role, @process tests start `npm start` and PGlite
  // instances of their own: the answer does not depend on the pass's database, so the embedded
  // pass leaves them to the server pass.
  args: ['--grep', serverUrl ? '@pg|@browser|@router|@process' : '@pg', '--invert'],
});

function run(pass: Pass, live: boolean): Promise<{ code: number; passed: number; failed: number; out: string }> {
  return new Promise((resolve) => {
    if (live) process.stdout.write(`\n=== Tests on ${pass.label} ===\n`);
    const env = { ...process.env, ...pass.env };
    for (const [k, v] of Object.entries(pass.env)) if (v === undefined) delete env[k];
    const child = spawn(
      process.execPath,
      [
        'node_modules/mocha/bin/mocha.js',
        ...pass.args,
        ...(extra.some((a) => !a.startsWith('-')) ? [] : ['test/**/*.test.ts']),
        ...extra,
      ],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (live) process.stdout.write(chunk);
    });
    child.on('close', (code) => {
      const passed = Number(/(\d+) passing/.exec(out)?.[1] ?? 0);
      const failed = Number(/(\d+) failing/.exec(out)?.[1] ?? 0);
      resolve({ code: code ?? 1, passed, failed, out });
    });
  });
}

/**
 * The code's shape is checked first, by the tools that keep it (CI runs only this command):
 * Prettier's layout and ESLint's rules (imports only through a capability's index.ts among
 * them). The architecture tests (test/architecture/) run with the suite.
 */
function staticCheck(label: string, args: string[]): Promise<number> {
  process.stdout.write(`\n=== ${label} ===\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

let passed = 0;
let failed = 0;
let exitCode = 0;
const only = extra.some((a) => !a.startsWith('-'));
if (!only) {
  const checks = [
    await staticCheck('Prettier (layout)', [
      'node_modules/prettier/bin/prettier.cjs',
      '--check',
      '--log-level',
      'warn',
      '**/*.{ts,js,mjs}',
    ]),
    await staticCheck('ESLint (rules, imports through index.ts)', ['node_modules/eslint/bin/eslint.js', '.']),
  ];
  if (checks.some((c) => c !== 0)) {
    process.stdout.write(
      '\nThe static checks failed (above): `npx prettier --write "**/*.{ts,js,mjs}"` fixes the layout.\n',
    );
    exitCode = 1;
  }
}
const running = passes.map((pass, i) => run(pass, i === 0));
for (const [i, pending] of running.entries()) {
  const r = await pending;
  if (i > 0) process.stdout.write(`\n=== Tests on ${passes[i].label} (ran at the same time) ===\n${r.out}`);
  passed += r.passed;
  failed += r.failed;
  if (r.code !== 0) exitCode = r.code;
  if (r.passed === 0) exitCode ||= 1;
}
if (!serverUrl)
  process.stdout.write(
    '\nDATABASE_URL is not set: the @pg tests (concurrency on a real server) were not selected. `bash .ci/run` runs them.\n',
  );
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(exitCode);
