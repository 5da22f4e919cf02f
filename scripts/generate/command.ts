// `npm run generate`: loads the generated dataset (scripts/generate-data.ts) into an empty
// database. A command of its own rather than one of server/cli.ts: the service never imports
// scripts/, so the generator is not part of what `npm start` builds and runs.
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../../server/config.js';
import { DataDirLockedError } from '../../server/shared/db.js';
import { withService } from '../../server/service.js';
import { bootstrap } from '../../server/bootstrap.js';
import { generateData, sizes } from '../generate-data.js';

/** Output is for the operator's terminal, never personal data. */
const say = (line: string) => process.stdout.write(`${line}\n`);

// Variables from ./.env, if present (the environment wins).
if (fs.existsSync('.env')) process.loadEnvFile('.env');

const HELP = `Usage: npm run generate -- [--scale 1] [--seed 42] [--database-url URL]

Loads a realistic generated dataset into an empty database (DATABASE_URL, or the embedded
one in DATA_DIR; --database-url names another server database).
Scale 1: 100,000 participants, 5,000 sessions, 1,000,000 claims.
`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]) {
  if (args.includes('--help') || args.includes('help')) {
    say(HELP);
    return;
  }
  const config = loadConfig();
  const url = option(args, 'database-url');
  const scale = Number(option(args, 'scale') ?? 1);
  const seed = Number(option(args, 'seed') ?? 42);
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  const n = sizes(scale);
  await withService(url ? loadConfig({ ...process.env, DATABASE_URL: url }) : config, async ({ deps }) => {
    await bootstrap(deps, { loadDemoData: false });
    say(
      `Generating scale ${scale} (seed ${seed}): ${n.participants.toLocaleString('en-US')} participants, ${n.sessions.toLocaleString('en-US')} sessions, ${n.claims.toLocaleString('en-US')} claims…`,
    );
    const summary = await generateData(deps.db, deps.keyring, { scale, seed, config: deps.config });
    for (const [table, count] of Object.entries(summary.counts))
      say(`  ${table.padEnd(22)} ${count.toLocaleString('en-US').padStart(12)}`);
    if (summary.checkpointProblem)
      say(`No checkpoint signed over the generated audit chain: ${summary.checkpointProblem}`);
    else
      say(
        `Audit chain checkpoint signed in ${deps.config.auditCheckpointDir}: serve this database with the same AUDIT_HMAC_KEY, AUDIT_SIGNING_KEY and AUDIT_CHECKPOINT_DIR (else the sealing job finds the chain broken and walks all of it every 5 s).`,
      );
    say(
      `Loaded in ${summary.seconds.toFixed(1)} s (${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s).`,
    );
  });
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof ConfigError || e instanceof DataDirLockedError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`Error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 1;
});
