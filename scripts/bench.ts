// `npm run bench`: every benchmark, one after the other, each in its own process (so that one
// does not warm or load the next), then ONE table: each figure next to the limit measured in
// the same run on the same machine, the ratio and the target. The scripts it runs print their
// own details (kept in test-results/bench/<name>.log); this one parses their summary lines.
// Default sizes finish in a few minutes; --full uses the 1,000,000-row sizes.
// The page latency step keeps its generated datasets on the server (pbo_pages_s0_1, pbo_pages_s1) and reuses them.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench [-- --full] [--only claims,grants,retention,cold-start,pages,generator] [--from-logs]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const full = process.argv.includes('--full');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1].split(',') : null;
const serverUrl = process.env.DATABASE_URL;
const LOG_DIR = path.join(ROOT, 'test-results/bench');

interface Row {
  figure: string;
  measured: string;
  limit: string;
  ratio: string;
  target: string;
  ok: '✓' | '✗' | '–' | 'pending' | 'failed';
}

interface Step {
  name: string;
  script: string;
  args: string[];
  needsServer: boolean;
  parse: (out: string) => Row[];
}

const num = (s: string | undefined) => Number((s ?? '').replace(/,/g, ''));
const r2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '?');
const check = (ok: boolean): Row['ok'] => (ok ? '✓' : '✗');

function parseClaims(out: string): Row[] {
  const row = (label: string) => {
    const m = new RegExp(
      `${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+([\\d,]+)\\s+([\\d.]+)\\s+([\\d.]+)`,
    ).exec(out);
    return m ? { rps: num(m[1]), p50: Number(m[2]), p99: Number(m[3]) } : null;
  };
  const ceiling = row('bare Express, no SQL (ceiling)');
  const bare = row('bare Express + same SQL');
  const app = row('app GET /api/claims (token)');
  const n = /generated ([\d,]+) claims/.exec(out)?.[1] ?? '?';
  if (!ceiling || !bare || !app) throw new Error('claims queue: summary lines not found');
  return [
    {
      figure: `claims queue API req/s (${n} claims, filter + page of 50, 64 conn.)`,
      measured: `${app.rps}`,
      limit: `${bare.rps} bare Express + same SQL`,
      ratio: r2(app.rps / bare.rps),
      target: '≥ 0.70',
      ok: check(app.rps / bare.rps >= 0.7),
    },
    {
      figure: 'claims queue API p50 / p99 ms',
      measured: `${app.p50} / ${app.p99}`,
      limit: `${bare.p50} / ${bare.p99} bare SQL route`,
      ratio: r2(app.p99 / bare.p99),
      target: 'p99 ≤ 2×',
      ok: check(app.p99 / bare.p99 <= 2),
    },
    {
      figure: 'claims queue API req/s vs bare Express (no SQL)',
      measured: `${app.rps}`,
      limit: `${ceiling.rps} bare Express`,
      ratio: r2(app.rps / ceiling.rps),
      target: 'info',
      ok: '–',
    },
    {
      figure: 'bare Express + SQL req/s vs bare Express',
      measured: `${bare.rps}`,
      limit: `${ceiling.rps} (p99 ${ceiling.p99} ms)`,
      ratio: r2(bare.rps / ceiling.rps),
      target: 'info',
      ok: '–',
    },
  ];
}

function parseGrants(out: string): Row[] {
  const rows: Row[] = [];
  const budget = /budget report: dashboard ([\d.]+) ms .*? vs bare SQL ([\d.]+) ms → ratio ([\d.]+)/.exec(out);
  if (budget)
    rows.push({
      figure: 'budget report (grant dashboard) ms',
      measured: budget[1],
      limit: `${budget[2]} raw SQL`,
      ratio: budget[3],
      target: '≤ 1.2',
      ok: check(Number(budget[3]) <= 1.2),
    });
  const csv =
    /statement CSV: ([\d,]+) lines, .*?, ([\d.]+) s over HTTP vs COPY TO STDOUT ([\d.]+) s .*?→ ratio ([\d.]+)/.exec(
      out,
    );
  if (csv)
    rows.push({
      figure: `expenditure statement CSV, ${csv[1]} lines, s`,
      measured: csv[2],
      limit: `${csv[3]} COPY … TO STDOUT`,
      ratio: csv[4],
      target: '≤ 2',
      ok: check(Number(csv[4]) <= 2),
    });
  const rss =
    /serving process RSS: idle ([\d.]+) MB, peak during the exports ([\d.]+) MB(?: \(\+([\d.]+) MB over idle)?/.exec(
      out,
    );
  if (rss) {
    // The target is the serving process's peak RSS; what the export itself adds is shown beside it.
    const peak = Number(rss[2]);
    rows.push({
      figure: 'serving process peak RSS during the exports, MB',
      measured: String(peak),
      limit: `idle ${rss[1]} MB (compiled app, whole)${rss[3] === undefined ? '' : `, export adds ${rss[3]} MB`}`,
      ratio: '–',
      target: '≤ 150 MB',
      ok: check(peak <= 150),
    });
  }
  const pdf =
    /statement PDF: ([\d,]+) lines, statementPdf ([\d.]+) s(?: \(of which reading the rows [\d.]+ s\))? vs pdf-lib alone ([\d.]+) s → ratio ([\d.]+)/.exec(
      out,
    );
  if (pdf)
    rows.push({
      figure: `statement PDF, ${pdf[1]} lines, s`,
      measured: pdf[2],
      limit: `${pdf[3]} pdf-lib alone, same font`,
      ratio: pdf[4],
      target: '≤ 1.5',
      ok: check(Number(pdf[4]) <= 1.5),
    });
  if (!rows.length) throw new Error('grants: summary lines not found');
  return rows;
}

function parseRetention(out: string): Row[] {
  const apply =
    /apply:\s+([\d,]+) participants anonymised in ([\d.]+) s → ([\d,]+) participants\/s, ([\d,]+) erased/.exec(out);
  const idle = /idle:\s+p50 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(out);
  const during = /during: p50 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(out);
  if (!apply || !idle || !during) throw new Error('retention: summary lines not found');
  return [
    {
      figure: `retention run, ${apply[1]} participants, participants/s`,
      measured: apply[3],
      limit: `${apply[4]} erased rows·categories/s`,
      ratio: '–',
      target: 'info',
      ok: '–',
    },
    {
      figure: 'API p99 during the retention run, ms',
      measured: during[2],
      limit: `${idle[2]} idle`,
      ratio: r2(Number(during[2]) / Number(idle[2])),
      target: '≤ 2',
      ok: check(Number(during[2]) / Number(idle[2]) <= 2),
    },
  ];
}

function parseColdStart(out: string): Row[] {
  const fresh = /fresh data folder \((?:migrations|template) \+ demo\):\s+median ([\d.]+) s/.exec(out);
  const warm = /existing data folder:\s+median ([\d.]+) s/.exec(out);
  if (!fresh || !warm) throw new Error('cold start: summary lines not found');
  return [
    {
      figure: 'cold start, embedded DB, new folder → first /health, s',
      measured: fresh[1],
      limit: '10 s (budget)',
      ratio: r2(Number(fresh[1]) / 10),
      target: '≤ 1',
      ok: check(Number(fresh[1]) <= 10),
    },
    {
      figure: 'cold start, embedded DB, existing folder, s',
      measured: warm[1],
      limit: '3 s (budget)',
      ratio: r2(Number(warm[1]) / 3),
      target: '≤ 1',
      ok: check(Number(warm[1]) <= 3),
    },
  ];
}

function parseGenerator(out: string): Row[] {
  const m = /Loaded in ([\d.]+) s \(([\d,]+) rows\/s\)/.exec(out);
  const claims = /claims\s+([\d,]+)/.exec(out)?.[1] ?? '?';
  if (!m) throw new Error('generator: summary line not found');
  return [
    {
      figure: `data generator, ${claims} claims, rows/s (unnest chunks, 3 in flight)`,
      measured: m[2],
      limit: '–',
      ratio: '–',
      target: 'info',
      ok: '–',
    },
  ];
}

function parsePages(out: string): Row[] {
  const m =
    /pages: (\d+) routes at scale ([\d.]+), (\d+) over 100 ms p95(?:, (\d+) growing over 1\.5× from scale [\d.]+)?; worst (.*) p95 ([\d.–]+) ms/.exec(
      out,
    );
  if (!m) throw new Error('pages: summary line not found');
  const rows: Row[] = [
    {
      figure: `pages and APIs over 100 ms p95 at scale ${m[2]} (of ${m[1]} routes)`,
      measured: m[3],
      limit: `worst ${m[5]} ${m[6]} ms`,
      ratio: '–',
      target: '0',
      ok: check(Number(m[3]) === 0),
    },
  ];
  if (m[4] !== undefined)
    rows.push({
      figure: 'routes over 20 ms growing > 1.5× (and > 10 ms) from scale 0.1 to 1',
      measured: m[4],
      limit: '–',
      ratio: '–',
      target: '0',
      ok: check(Number(m[4]) === 0),
    });
  return rows;
}

const steps: Step[] = [
  {
    name: 'claims',
    script: 'scripts/bench-claims-queue.ts',
    args: full ? [] : ['--n', '200000', '--seconds', '6'],
    needsServer: true,
    parse: parseClaims,
  },
  {
    name: 'grants',
    script: 'scripts/bench-grants.ts',
    args: full ? [] : ['--lines', '100000', '--runs', '3'],
    needsServer: true,
    parse: parseGrants,
  },
  {
    name: 'retention',
    script: 'scripts/bench-retention.ts',
    args: full ? [] : ['--n', '20000'],
    needsServer: true,
    parse: parseRetention,
  },
  {
    name: 'cold-start',
    script: 'scripts/bench-cold-start.ts',
    args: ['--runs', full ? '3' : '2'],
    needsServer: false,
    parse: parseColdStart,
  },
  {
    name: 'pages',
    script: 'scripts/bench-pages.ts',
    // Scale 0.1 by default; --full: scales 0.1 and 1 (a dataset of each kept on the server, reused).
    args: full ? ['--full'] : ['--scale', '0.1'],
    needsServer: true,
    parse: parsePages,
  },
  {
    name: 'generator',
    script: 'scripts/bench-generate.ts',
    args: ['--scale', full ? '1' : '0.05'],
    needsServer: true,
    parse: parseGenerator,
  },
];

function run(step: Step): Promise<{ code: number; out: string; seconds: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    fs.mkdirSync(LOG_DIR, { recursive: true });
    const log = fs.createWriteStream(path.join(LOG_DIR, `${step.name}.log`));
    const child = spawn(process.execPath, ['--import', 'tsx', step.script, ...step.args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const keep = (chunk: Buffer) => {
      out += chunk.toString();
      log.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code) => {
      log.end();
      resolve({ code: code ?? 1, out, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

const rows: Row[] = [];
const started = new Date();
for (const step of steps) {
  if (only && !only.includes(step.name)) continue;
  const label = `${step.name} (${[step.script, ...step.args].join(' ')})`;
  if (!fs.existsSync(path.join(ROOT, step.script))) {
    rows.push({
      figure: `${step.name}: ${step.script} not in the tree yet`,
      measured: '–',
      limit: '–',
      ratio: '–',
      target: '–',
      ok: 'pending',
    });
    continue;
  }
  if (step.needsServer && !serverUrl) {
    rows.push({
      figure: `${step.name}: needs DATABASE_URL (a PostgreSQL server)`,
      measured: '–',
      limit: '–',
      ratio: '–',
      target: '–',
      ok: 'pending',
    });
    continue;
  }
  const logFile = path.join(LOG_DIR, `${step.name}.log`);
  // --from-logs: print the table again from the logs of the last run, without running anything.
  const result =
    process.argv.includes('--from-logs') && fs.existsSync(logFile)
      ? { code: 0, out: fs.readFileSync(logFile, 'utf8'), seconds: 0 }
      : (process.stderr.write(`bench: ${label} …\n`), await run(step));
  process.stderr.write(
    `bench: ${step.name} done in ${result.seconds.toFixed(0)} s (exit ${result.code}; log in ${path.relative(ROOT, LOG_DIR)}/${step.name}.log)\n`,
  );
  try {
    if (result.code !== 0)
      throw new Error(`exit ${result.code}: ${result.out.trim().split('\n').slice(-1)[0]?.slice(0, 100)}`);
    rows.push(...step.parse(result.out));
  } catch (e) {
    rows.push({
      figure: `${step.name}: ${(e as Error).message}`,
      measured: '–',
      limit: '–',
      ratio: '–',
      target: '–',
      ok: 'failed',
    });
  }
}

const headers = ['figure', 'measured', 'limit measured in the same run', 'ratio', 'target', 'ok?'];
const table = rows.map((r) => [r.figure, r.measured, r.limit, r.ratio, r.target, r.ok]);
const widths = headers.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
process.stdout.write(
  `\nbenchmarks — ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}, ${full ? 'full sizes' : 'default sizes (--full for 1,000,000 rows)'}\n\n`,
);
process.stdout.write(
  `${line(headers)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.map(line).join('\n')}\n`,
);
process.exitCode = rows.some((r) => r.ok === '✗' || r.ok === 'failed') ? 1 : 0;
