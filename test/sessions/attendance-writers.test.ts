import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REGISTRY } from '../../server/privacy/registry/registry.js';
import { ctx } from '../helpers/context.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SERVER = join(ROOT, 'server');

/**
 * The server's code, but the demo data (server/demo/): it records the attendance of past demo
 * sessions directly, as the seed data did from db/seeds (scripts/architecture/scan.ts exempts it too).
 */
function sourceFiles(dir = SERVER): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (full === join(SERVER, 'demo')) return [];
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** The function a position of the source is in (the last one declared before it). */
function enclosingFunction(src: string, at: number): string {
  const re = /(?:function\s+(\w+)\s*\(|(?:const|let)\s+(\w+)\s*=\s*async\s*\()/g;
  let name = '(top level)';
  for (let m = re.exec(src); m && m.index < at; m = re.exec(src)) name = m[1] ?? m[2];
  return name;
}

const WRITE = /\.(insert|update|delete|del|upsert|merge|truncate|increment|decrement)\s*\(/;
const READ = /\.(select|first|count|pluck|max|min)\s*\(/;

/**
 * Every place in server/ that writes (or may write) the attendance table, as `file › function`.
 * Conservative: a knex builder on the table whose statement neither writes nor ends in a read
 * (a builder kept in a variable and written later) counts as a writer too.
 */
function attendanceWriters(): string[] {
  const out = new Set<string>();
  for (const file of sourceFiles()) {
    const src = readFileSync(file, 'utf8');
    const where = (i: number) => `${relative(ROOT, file)} › ${enclosingFunction(src, i)}`;
    for (const m of src.matchAll(/(\w*)\(\s*'session_participants(?: as \w+)?'/g)) {
      if (/^(join|leftJoin|rightJoin|innerJoin|from)$/.test(m[1])) continue;
      const statement = src.slice(m.index, src.indexOf(';', m.index));
      if (WRITE.test(statement) || !READ.test(statement)) out.add(where(m.index));
    }
    for (const m of src.matchAll(/\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|into\(\s*')\s*session_participants\b/gi))
      out.add(where(m.index));
  }
  return [...out].sort();
}

describe('attendance is evidence: one rule, one writer', () => {
  it('when the server code is scanned, then only the guarded writer changes attendance marks, and the other writers are the known invitation, reply and merge paths', () => {
    expect(attendanceWriters()).to.deep.equal([
      // The one writer of attendance marks: takes an AttendanceChange, which only mayChangeAttendance makes.
      'server/sessions/attendance-repo.ts › applyAttendanceChange',
      // Invitations and replies are not attendance marks (statuses invited, confirmed, declined).
      'server/sessions/invitations.ts › inviteParticipants',
      'server/sessions/invitations.ts › recordReply',
      // Merge: copies a reply, deletes the source's duplicate row, re-points rows (marks move unchanged);
      // a mark the kept row takes goes through mayChangeAttendance and applyAttendanceChange.
      'server/sessions/merge-attendance.ts › moveSessionParticipants',
    ]);
  });

  it('when the server code is scanned, then an AttendanceChange is made only by mayChangeAttendance, and every caller of the writer asks the rule first', () => {
    const casts: string[] = [];
    const callers: string[] = [];
    for (const file of sourceFiles()) {
      const src = readFileSync(file, 'utf8');
      const rel = relative(ROOT, file);
      if (rel !== 'server/sessions/policy.ts' && /as\s+(unknown\s+as\s+)?AttendanceChange\b/.test(src)) casts.push(rel);
      if (rel === 'server/sessions/attendance-repo.ts') continue;
      for (const m of src.matchAll(/applyAttendanceChange\(/g))
        callers.push(
          `${rel} › ${enclosingFunction(src, m.index)} › ${src.includes('mayChangeAttendance(') ? 'asks the rule' : 'DOES NOT ASK THE RULE'}`,
        );
    }
    expect(casts).to.deep.equal([]);
    expect(callers.sort()).to.deep.equal([
      'server/sessions/attendance.ts › changeAttendance › asks the rule',
      'server/sessions/merge-attendance.ts › moveSessionParticipants › asks the rule',
    ]);
    const policy = readFileSync(join(SERVER, 'sessions/policy.ts'), 'utf8');
    expect(policy.match(/as AttendanceChange\b/g)).to.have.length(1);
  });

  it('when the lifecycle (archiving, anonymisation, erasure) acts on the attendance table, then it keeps the marks and their date', () => {
    const columns = REGISTRY.session_participants.columns as Record<string, { erasure?: unknown }>;
    expect(columns.status.erasure).to.equal('keep');
    expect(columns.attendance_recorded_at.erasure ?? 'keep').to.equal('keep');
  });

  it('when the demo data is loaded, then no session that has not started has an attendance mark or a claim other than an advance', async () => {
    const db = ctx().deps.db;
    const demo = await db('projects').where({ name: 'Refonte du guide des aides aux familles' }).first('id');
    expect(demo, 'the demo project').to.not.equal(undefined);
    const future = db('sessions').where({ project_id: demo.id }).where('starts_at', '>', ctx().deps.now()).select('id');
    expect((await future).length, 'the demo has sessions to come').to.be.greaterThan(0);
    expect(
      await db('session_participants')
        .whereIn('session_id', future.clone())
        .whereIn('status', ['attended', 'absent_excused', 'absent'])
        .select('participant_id'),
    ).to.deep.equal([]);
    const claims = await db('claims as c')
      .join('claim_sessions as cs', 'cs.claim_id', 'c.id')
      .whereIn('cs.session_id', future.clone())
      .select('c.reference', 'c.is_advance');
    expect(claims.length, 'the demo has an advance for a session to come').to.be.greaterThan(0);
    expect(claims.filter((c) => !c.is_advance)).to.deep.equal([]);
  });
});
