import type { Deps } from '../shared/deps.js';
import { systemActing, withSettingsRead } from '../shared/acting.js';
import { settingsLoader } from '../settings/index.js';
import { startRetentionRun, type RetentionMode, type RetentionResult } from './retention.js';

type Out = (text: string) => void;

/** `[##########----------]  50 %  1 000 / 2 000` (rewritten in place with \r). */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const n = (x: number) => x.toLocaleString('fr-FR').replace(/[\u202f\u00a0]/g, ' ');
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)} %  ${n(done)} / ${n(total)}`;
}

/** The run's counts as lines for the terminal (codes and numbers only, never personal data). */
export function summaryLines(result: RetentionResult): string[] {
  const lines = [
    `${result.mode === 'apply' ? 'Applied' : 'Dry run (nothing changed)'} as of ${result.asOf}, in ${(result.durationMs / 1000).toFixed(1)} s`,
    `  participants archived:   ${result.participants.archive}`,
    `  participants anonymised: ${result.participants.anonymise}`,
  ];
  for (const [step, tables] of Object.entries(result.erased)) {
    for (const [table, cats] of Object.entries(tables)) {
      for (const [cat, n] of Object.entries(cats)) lines.push(`  erased at ${step}: ${table}.${cat} in ${n} row(s)`);
    }
  }
  return lines;
}

/**
 * `retention --dry-run | --apply [--batch N]`: the same run as the API and the daily job
 * (recorded as a job, audited), with a progress bar. Returns the exit code.
 */
export async function retentionCommand(deps: Deps, args: string[], out: Out): Promise<number> {
  const mode: RetentionMode | null = args.includes('--apply') ? 'apply' : args.includes('--dry-run') ? 'dry_run' : null;
  if (!mode || (args.includes('--apply') && args.includes('--dry-run'))) {
    out('Usage: npm run cli -- retention --dry-run | --apply [--batch 500]\n');
    return 64;
  }
  const i = args.indexOf('--batch');
  const batchSize = i >= 0 ? Number(args[i + 1]) : undefined;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)) {
    out('--batch must be an integer between 1 and 10000\n');
    return 64;
  }
  const interactive = process.stdout.isTTY === true;
  let lastDraw = 0;
  const acting = await withSettingsRead(
    systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'cli' }),
  );
  const { job, finished } = await startRetentionRun(
    deps,
    acting,
    { mode, trigger: 'cli', batchSize },
    (done, total) => {
      if (Date.now() - lastDraw < 100 && done < total) return;
      lastDraw = Date.now();
      out(interactive ? `\r${progressBar(done, total)}` : `${progressBar(done, total)}\n`);
    },
  );
  const row = await finished;
  if (interactive) out('\n');
  if (row.status !== 'completed' || !row.result) {
    out(`Retention run ${job.id} failed (${row.error_code ?? 'unknown'}); committed batches are kept, run it again.\n`);
    return 1;
  }
  for (const line of summaryLines(row.result as RetentionResult)) out(`${line}\n`);
  out(`Recorded as job ${job.id}.\n`);
  return 0;
}
