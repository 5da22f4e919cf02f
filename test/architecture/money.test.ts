import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Money is rounded, converted and formatted in server/shared/money.ts only (issue 15, point 5): no
 * `Math.round`, `Math.floor`, `Math.ceil`, `Math.trunc` nor `toFixed` elsewhere in server/,
 * unless the line is below, with the reason it is not about cents. A new rounding anywhere
 * else fails here: move it into a named helper of money.ts (`basisPointsOf`,
 * `splitByBasisPoints`, `roundHalfUp`, `centsToDecimal`…) or, when it is not money, add it here.
 */
const NOT_MONEY: { file: string; line: string; reason: string }[] = [
  { file: 'server/shared/spreadsheet.ts', line: 'Math.round(limit / 1024 / 1024)', reason: 'megabytes in a message' },
  { file: 'server/shared/files.ts', line: 'Math.round(maxBytes / 1024 / 1024)', reason: 'megabytes in a message' },
  { file: 'server/shared/db.ts', line: 'Math.floor(Math.random() * 100)', reason: 'retry jitter in milliseconds' },
  { file: 'server/shared/dates.ts', line: 'Math.floor(ms / 1000)', reason: 'time-zone arithmetic' },
  { file: 'server/shared/dates.ts', line: 'Math.floor(index / 12)', reason: 'month index to year' },
  { file: 'server/reimbursement/windows.ts', line: 'Math.floor(ms / 60_000)', reason: 'time-zone arithmetic' },
  {
    file: 'server/reimbursement/compute-line.ts',
    line: 'Math.floor(quarterHours / 4)',
    reason: 'quarter-hours to hours',
  },
  { file: 'server/reimbursement/mileage.ts', line: 'Math.floor(deciKm / 10)', reason: 'tenths of a km to km' },
  { file: 'server/claims/form.ts', line: 'Math.round(Number(clock[2] ?? 0) / 15)', reason: 'minutes to quarter-hours' },
  {
    file: 'server/claims/form.ts',
    line: 'Math.round(Number(`${dec[1]}.${dec[2] ?? 0}`) * 4)',
    reason: 'hours to quarter-hours',
  },
  {
    file: 'server/grants/pages.ts',
    line: 'Math.round(Number(s) * 100)',
    reason: 'a percentage typed in a form to basis points',
  },
  { file: 'server/grant-reports/rules.ts', line: 'Math.ceil((p / 100) * sorted.length)', reason: 'percentile rank' },
  { file: 'server/grant-reports/rules.ts', line: 'Math.floor(index / 12)', reason: 'month index to year' },
  {
    file: 'server/grant-reports/rules.ts',
    line: 'Math.round(((actualCents - plannedCents) * 1000) / plannedCents) / 10',
    reason: 'a gap in percent (a ratio of two amounts, not an amount)',
  },
  {
    file: 'server/grant-reports/financial-report.ts',
    line: 'Math.round((a.attended * 1000) / a.expected) / 10',
    reason: 'attendance rate in percent',
  },
  {
    file: 'server/grant-reports/dashboard.ts',
    line: 'Math.round((attendance.attendedMinutes / 60) * 10) / 10',
    reason: 'hours attended',
  },
  {
    file: 'server/grant-reports/charts.ts',
    line: 'Math.round((Math.max(0, c) / max) * BAR_AREA)',
    reason: 'bar length in pixels',
  },
  {
    file: 'server/projects/charts.ts',
    line: 'Math.round((Math.min(100, r.value) / 100) * BAR_AREA)',
    reason: 'bar length in pixels',
  },
  {
    file: 'server/projects/charts.ts',
    line: 'Math.round((r.target / 100) * BAR_AREA)',
    reason: 'bar length in pixels',
  },
  { file: 'server/projects/dashboard.ts', line: 'Math.round((part * 100) / whole)', reason: 'a percentage of counts' },
  {
    file: 'server/privacy/pages.ts',
    line: 'Math.floor((view.progress * 100) / view.total)',
    reason: 'progress of a retention run',
  },
  { file: 'server/privacy/retention-cli.ts', line: 'Math.round(ratio * width)', reason: 'progress bar' },
  { file: 'server/privacy/retention-cli.ts', line: 'Math.floor(ratio * 100)', reason: 'progress in percent' },
  { file: 'server/privacy/retention-cli.ts', line: '(result.durationMs / 1000).toFixed(1)', reason: 'seconds' },
];

/**
 * Cents turned into euros by hand outside money.ts. The one exception builds the statement's
 * CSV inside PostgreSQL (COPY, the million-line path): it must write what `centsToDecimal` writes,
 * which test/grant-reports/statement-copy.test.ts checks byte for byte.
 */
const EUROS_BY_HAND_ALLOWED = ['server/grant-reports/statement-copy.ts'];

const ROUNDING = /Math\.(?:round|floor|ceil|trunc)\(|\.toFixed\(/;
const CENTS_TO_EUROS = /cents\)?\s*\/\s*100\b/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const root = process.cwd();
const files = sourceFiles(join(root, 'server'))
  .map((path) => ({ file: relative(root, path).split('\\').join('/'), lines: readFileSync(path, 'utf8').split('\n') }))
  .filter((f) => f.file !== 'server/shared/money.ts');

describe('architecture: money is rounded and formatted in server/shared/money.ts only', () => {
  it('when a line of server/ rounds a number outside money.ts, then it is listed as not money, with its reason', () => {
    const unexplained: string[] = [];
    for (const { file, lines } of files) {
      lines.forEach((text, i) => {
        const rest = NOT_MONEY.filter((a) => a.file === file).reduce((t, a) => t.split(a.line).join(''), text);
        if (ROUNDING.test(rest)) unexplained.push(`${file}:${i + 1}: ${text.trim()}`);
      });
    }
    expect(unexplained, 'round cents with a helper of server/shared/money.ts').to.deep.equal([]);
  });

  it('when an entry of the list no longer matches a line, then the list is out of date', () => {
    const stale = NOT_MONEY.filter(
      (a) => !files.some((f) => f.file === a.file && f.lines.some((l) => l.includes(a.line))),
    );
    expect(stale.map((a) => `${a.file}: ${a.line}`)).to.deep.equal([]);
  });

  it('when cents become euros outside money.ts, then it goes through centsToEuros or centsToDecimal', () => {
    const byHand = files
      .filter((f) => !EUROS_BY_HAND_ALLOWED.includes(f.file))
      .flatMap(({ file, lines }) =>
        lines.flatMap((text, i) => (CENTS_TO_EUROS.test(text) ? [`${file}:${i + 1}: ${text.trim()}`] : [])),
      );
    expect(byHand).to.deep.equal([]);
  });
});
