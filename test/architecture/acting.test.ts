import { expect } from 'chai';
import { callsOf, whoActsParameters } from '../../scripts/architecture/scan.js';

/**
 * Where the clock may still be read with `deps.now()`: where an `Acting` is made (one reading per
 * request or run), and where a long run's clock must move within the run. Anywhere else a use
 * case reads `acting.now`.
 */
const CLOCK_READERS: Record<string, string> = {
  'server/shared/http.ts': 'makes the Acting of each request; idempotency keys are stamped when stored',
  'server/app.ts': 'makes the Acting of a request before its route is known (404, errors)',
  'server/auth/sessions.ts': 'resolves the session or token before any Acting exists',
  'server/jobs/scheduler.ts': 'makes the Acting of each scheduled run',
  'server/jobs/records.ts': 'a job’s heartbeat, progress and end are dated as they happen',
  'server/notifications/worker.ts': 'makes the outbox worker’s Acting; a delivery is dated after the send',
  'server/privacy/retention.ts': 'makes the daily run’s Acting; polls a job’s end against the moving clock',
  'server/privacy/retention-cli.ts': 'makes the command line’s Acting',
  'server/cli.ts': 'makes the command line’s Acting',
  'server/bootstrap.ts': 'makes the first start’s Acting',
  'server/audit/write-checkpoint.ts': 'the periodic checkpoint job’s own date when none is given',
};

/** Where a transaction may open other than through `inTransaction` (server/shared/db.ts). */
const TRANSACTION_OPENERS: Record<string, string> = {
  'server/shared/db.ts': '`inTransaction` itself',
  'server/grant-reports/statement.ts': 'a cursor held open across an async generator’s yields (COPY stream)',
};

const where = (f: { file: string; line: number; what: string }) => `${f.file}:${f.line} ${f.what.slice(0, 60)}`;

describe('architecture: one way to act', () => {
  it('when the scanner reads the fixture, then it sees each shape of who acts, the settings read, the transaction opened and the clock read', () => {
    const file = 'scripts/architecture/fixtures/who-acts.ts';
    expect(whoActsParameters([file]).map((f) => f.what)).to.deep.equal([
      'Acting',
      'Acting',
      'AuditActor',
      'Actor',
      '{ userId… }',
    ]);
    expect(callsOf('transaction', [file])).to.have.length(1);
    expect(callsOf('now', [file]).map((f) => f.what)).to.deep.equal(['deps.now()']);
  });

  it('when the server is scanned, then every parameter that says who acts takes the Acting: no Actor, AuditActor or { userId } beside it, outside the files that make it', function () {
    this.timeout(120_000);
    const found = whoActsParameters();
    expect(found.filter((f) => f.what !== 'Acting').map(where)).to.deep.equal([]);
    expect(found.length, 'the use cases take an Acting').to.be.greaterThan(100);
  });

  it('when the server is scanned, then the settings are read through the Acting: getSettings is called only by the settings capability', function () {
    this.timeout(120_000);
    const outside = callsOf('getSettings').filter((f) => !f.file.startsWith('server/settings/'));
    expect(outside.map(where)).to.deep.equal([]);
  });

  it('when the server is scanned, then transactions open through inTransaction only (one retry rule for the API, the pages and the jobs), but where a cursor must outlive it', function () {
    this.timeout(120_000);
    const opened = callsOf('transaction').filter((f) => !(f.file in TRANSACTION_OPENERS));
    expect(opened.map(where)).to.deep.equal([]);
  });

  it('when the server is scanned, then the clock is read from the Acting: deps.now() only where an Acting is made or a long run’s clock must move', function () {
    this.timeout(120_000);
    const reads = callsOf('now').filter((f) => /\bdeps\.now\(\)/.test(f.what));
    expect(reads.filter((f) => !(f.file in CLOCK_READERS)).map(where)).to.deep.equal([]);
    // The list holds no file that no longer needs it.
    const readers = new Set(reads.map((f) => f.file));
    expect(Object.keys(CLOCK_READERS).filter((f) => !readers.has(f))).to.deep.equal([]);
  });
});
