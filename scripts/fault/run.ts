// `npm run fault -- --minutes 10`: the fault-injection harness on the PostgreSQL server named
// by DATABASE_URL (a fresh database is created on it and dropped). Prints its figures and the
// invariant checker's report; exit code 1 on any violation.
// Options: --minutes (of the real mix, default 10), --kills (SIGKILLs during the mix, 20),
// --clients (64), --crash-claims (1000), --crash-kills (20), --race-clients (64),
// --race-claims (30), --seed (42).
import { formatReport, runFaultInjection } from './harness.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return v;
};

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write(
    'set DATABASE_URL to a PostgreSQL server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run fault -- --minutes 10\n',
  );
  process.exit(2);
}
const minutes = arg('minutes', 10);
process.stderr.write(
  `fault injection: ${minutes} min of mix, ${arg('clients', 64)} clients, ${arg('kills', 20)} kills; then issue 6's crash and race scenarios\n`,
);
const report = await runFaultInjection({
  serverUrl,
  mixSeconds: Math.round(minutes * 60),
  clients: arg('clients', 64),
  mixKills: arg('kills', 20),
  crashClaims: arg('crash-claims', 1000),
  crashKills: arg('crash-kills', 20),
  raceClients: arg('race-clients', 64),
  raceClaims: arg('race-claims', 30),
  seed: arg('seed', 42),
}).catch((e: Error) => {
  process.stderr.write(`fault injection stopped: ${e.message}\n`);
  process.exit(1);
});
process.stdout.write(`${formatReport(report)}\n`);
process.exit(report.violations === 0 ? 0 : 1);
