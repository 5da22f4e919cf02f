// The invariant checker on any database: `tsx scripts/fault/check.ts --database-url postgres://…/db`
// [--outbox-not-delivered when no outbox worker ran]. Exit code 1 on any violation.
import { openServerDatabase } from '../../server/shared/db.js';
import { loadConfig } from '../../server/config.js';
import { checkInvariants, formatInvariants, violationCount } from './invariants.js';

const i = process.argv.indexOf('--database-url');
const url = i >= 0 ? process.argv[i + 1] : process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('usage: tsx scripts/fault/check.ts --database-url postgres://…/database\n');
  process.exit(2);
}
const database = await openServerDatabase(url, 2);
try {
  // The audit chain is checked when the service's audit keys are in the environment.
  const audit = process.env.AUDIT_HMAC_KEY ? loadConfig({ ...process.env, DATABASE_URL: url }) : undefined;
  const results = await checkInvariants(database.knex, {
    outboxDelivered: !process.argv.includes('--outbox-not-delivered'),
    audit,
  });
  process.stdout.write(`${formatInvariants(results)}\n`);
  process.exitCode = violationCount(results) ? 1 : 0;
} finally {
  await database.close();
}
