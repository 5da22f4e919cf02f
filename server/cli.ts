import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import {
  acquireDataDirLock,
  DataDirLockedError,
  isFreshDataDir,
  migrationSource,
  pgliteExtensions,
} from './shared/db.js';
import { withService } from './service.js';
import { bootstrap } from './bootstrap.js';
import { auditEpochCommand, auditKeyFilePaths, auditVerifyCommand } from './audit/index.js';
import { createUser } from './users/index.js';
import { loadDemo, isEmptyForDemo } from './demo/index.js';
import { ROLES, type Role } from './shared/authorize.js';
import type { Deps } from './shared/deps.js';
import { systemActing, withSettingsRead } from './shared/acting.js';
import { settingsLoader } from './settings/index.js';
import { retentionCommand } from './privacy/retention-cli.js';

/** Operator commands. Output is for the operator's terminal, never personal data. */
const say = (line: string) => process.stdout.write(`${line}\n`);

/** An operator's command acting as the platform (audited under request id `cli`), settings read first. */
const operator = (deps: Pick<Deps, 'db' | 'now'>) =>
  withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'cli' }));

// Variables from ./.env, if present (the environment wins).
if (fs.existsSync('.env')) process.loadEnvFile('.env');

const HELP = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                     apply pending migrations (also done at every start)
  migrate --rollback-all      roll every migration back (empties the database)
  demo                        load the demo data into an empty database
  create-admin --email E --name N [--roles admin,finance]
                              create a staff account; prints a generated password once
  audit-verify [--checkpoint file.json]
                              seal pending audit events, verify the chain against the audit
                              key and the signed checkpoints (plus a downloaded one), sign one
  audit-epoch --reason restore
                              after restoring a backup: record a new audit epoch, so that the
                              links lost by the restore are not reported as a truncation
  retention --dry-run         count what retention would archive and anonymise (changes nothing)
  retention --apply [--batch 500]
                              archive and anonymise people past their retention period
  backup <file.tar.gz>        copy the embedded database (service stopped) into one file
  restore <file.tar.gz>       restore an embedded database into an empty DATA_DIR
  help                        this text

The data generator is a command of its own: npm run generate -- --help
`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function backup(config: Config, file: string | undefined) {
  if (config.databaseUrl) throw new Error('backup copies the embedded database; for a PostgreSQL server use pg_dump.');
  if (!file) throw new Error('name the backup file: npm run cli -- backup backups/participation.tar.gz');
  if (isFreshDataDir(config.dataDir)) throw new Error(`no embedded database in ${config.dataDir}`);
  const release = acquireDataDirLock(config.dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create(path.join(config.dataDir, 'pgdata'), { extensions: await pgliteExtensions() });
    const dump = await pglite.dumpDataDir('gzip');
    await pglite.close();
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    say(
      `Backup written to ${file} (${fs.statSync(file).size} bytes). Keep the key file ${config.dataDir}.key with it: without it encrypted bank details cannot be read.`,
    );
  } finally {
    release();
  }
}

async function restore(config: Config, file: string | undefined) {
  if (config.databaseUrl)
    throw new Error('restore is for the embedded database; for a PostgreSQL server use pg_restore.');
  if (!file || !fs.existsSync(file))
    throw new Error('name an existing backup file: npm run cli -- restore backups/participation.tar.gz');
  if (!isFreshDataDir(config.dataDir))
    throw new Error(
      `${config.dataDir} already holds a database: move it away first, or set DATA_DIR to an empty folder.`,
    );
  const release = acquireDataDirLock(config.dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const blob = new Blob([fs.readFileSync(file)]);
    const pglite = await PGlite.create(path.join(config.dataDir, 'pgdata'), {
      loadDataDir: blob,
      extensions: await pgliteExtensions(),
    });
    await pglite.query('SELECT 1');
    await pglite.close();
    say(`Restored ${file} into ${config.dataDir}.`);
  } finally {
    release();
  }
  // The restored chain is shorter than the last signed checkpoint: record it as a new epoch,
  // with the install's own audit keys (new ones made now could verify nothing).
  const files = auditKeyFilePaths(config.dataDir);
  if (
    (!config.auditHmacKey && !fs.existsSync(files.hmac)) ||
    (!config.auditSigningKey && !fs.existsSync(files.signing))
  ) {
    say(
      `Audit keys not found (${files.hmac}, ${files.signing}): put them back, then run "npm run cli -- audit-epoch --reason restore" before starting.`,
    );
    process.exitCode = 2;
    return;
  }
  await withService(config, async ({ deps }) => {
    await auditEpochCommand(deps, await operator(deps), ['--reason', 'restore'], say);
  });
}

async function main(argv: string[]) {
  const [command = 'help', ...args] = argv;
  const config = loadConfig();
  switch (command) {
    case 'migrate':
      await withService(config, async ({ database }) => {
        if (args.includes('--rollback-all')) {
          await database.knex.migrate.rollback({ migrationSource }, true);
          say('All migrations rolled back.');
        } else say('Database schema is up to date.');
      });
      return;
    case 'demo':
      await withService(config, async ({ deps }) => {
        await bootstrap(deps, { loadDemoData: false });
        if (!(await isEmptyForDemo(deps))) {
          say('The database is not empty: demo data not loaded.');
          process.exitCode = 2;
          return;
        }
        await loadDemo(deps);
        say('Demo data loaded (see the README for the demo accounts).');
      });
      return;
    case 'create-admin': {
      const email = option(args, 'email');
      const name = option(args, 'name') ?? 'Administrateur';
      const roles = (option(args, 'roles') ?? 'admin').split(',') as Role[];
      if (!email) throw new Error('--email is required');
      if (roles.some((r) => !ROLES.includes(r))) throw new Error(`--roles must be among ${ROLES.join(', ')}`);
      await withService(config, async ({ deps }) => {
        const { user, temporaryPassword } = await createUser(deps, await operator(deps), { email, name, roles });
        say(`Account created for ${user.email} with roles ${user.roles.join(', ')}.`);
        say(`Temporary password (shown once, to change at first login): ${temporaryPassword}`);
      });
      return;
    }
    case 'audit-verify':
      await withService(config, async ({ deps }) => {
        process.exitCode = await auditVerifyCommand(deps, args, say);
      });
      return;
    case 'audit-epoch':
      await withService(config, async ({ deps }) => {
        process.exitCode = await auditEpochCommand(deps, await operator(deps), args, say);
      });
      return;
    case 'retention':
      await withService(config, async ({ deps }) => {
        process.exitCode = await retentionCommand(deps, args, (text) => process.stdout.write(text));
      });
      return;
    case 'backup':
      await backup(config, args[0]);
      return;
    case 'restore':
      await restore(config, args[0]);
      return;
    case 'help':
    case '--help':
      say(HELP);
      return;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      process.exitCode = 64;
  }
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof ConfigError || e instanceof DataDirLockedError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`Error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 1;
});
