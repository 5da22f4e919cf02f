import type { DemoStep } from './load-demo.js';
import { AppError } from '../shared/errors.js';
import { localDay } from '../shared/dates.js';
import { createDrawdown } from '../grant-reports/drawdowns.js';
import { saveNotes } from '../grant-reports/financial-report.js';
import { getGrant } from '../grant-reports/repo.js';
import { demoStaff } from './acting.js';

const FINANCE_EMAIL = 'sophie.lefevre@departement.example';
const AGREEMENT = 'PDS-26-2024-017';

/**
 * Demo step (after the grants and payments steps): a first drawdown on the Pacte des
 * solidarités grant for everything paid so far, and explanations of the gaps of this year's
 * financial report. Does nothing without that grant or when it already has a drawdown.
 */
export const demoGrantReports: DemoStep = async (deps, staff) => {
  const finance = staff[FINANCE_EMAIL];
  const row = await deps.db('grants').where({ agreement_number: AGREEMENT }).first('id');
  if (!finance || !row) return;
  if (await deps.db('drawdowns').where({ grant_id: row.id }).first('id')) return;
  const grant = (await getGrant(deps.db, row.id))!;
  const acting = await demoStaff(deps, finance, ['finance']);
  const settings = await acting.settings();
  const today = localDay(acting.now, settings.timeZone);
  const to = today < grant.period_end ? today : grant.period_end;
  try {
    await createDrawdown(deps, acting, { grantId: grant.id, from: grant.period_start, to });
  } catch (e) {
    if (!(e instanceof AppError) || e.status !== 409) throw e;
  }
  const year = Math.min(
    Number(grant.period_end.slice(0, 4)),
    Math.max(Number(grant.period_start.slice(0, 4)), Number(today.slice(0, 4))),
  );
  await saveNotes(deps, acting, {
    grant,
    year,
    notes: [
      {
        category: 'facilitation',
        explanation:
          'La facture d’animation des ateliers de co-écriture est engagée ; elle sera payée à la remise du rapport de synthèse.',
      },
      {
        category: 'allowances',
        explanation:
          'Le département n’a pas ouvert l’indemnité de participation sur ce projet cette année : seuls les frais réels ont été remboursés.',
      },
      {
        category: 'venue',
        explanation: 'Deux ateliers ont eu lieu dans des salles prêtées gratuitement par les centres sociaux.',
      },
    ],
  });
};
