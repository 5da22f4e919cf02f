import type { Knex } from 'knex';
import { inTransaction, type Db } from '../shared/db.js';
import { notFound, validationError } from '../shared/errors.js';
import { formatCents } from '../shared/money.js';
import { formatDate } from '../shared/format.js';
import { PdfDocument } from '../shared/pdf.js';
import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { getGrant, grantCeilings, type GrantRow } from './repo.js';
import {
  claimedByYear,
  claimParts,
  drawdownPartCounts,
  drawdownPreview,
  drawdownYears,
  drawnSoFar,
  finishDrawdown,
  getDrawdown,
  insertDrawdown,
  listDrawdowns,
  lockGrant,
  nextDrawdownNumber,
  withdrawParts,
  type DrawdownRow,
} from './drawdowns-repo.js';
import { requestedPerYear } from './rules.js';
import { grantFacts } from './statement.js';
import { grantReportsError } from './errors.js';

/**
 * Creates the next drawdown (demande de versement) of a grant for a period of payment dates.
 * It first withdraws the parts earlier drawdowns claimed whose expense is no longer actual
 * (the bank rejected the payment, the claim was cancelled), then claims every actual part of
 * the grant paid in the period and not claimed now. Per budget-line year the funder owes
 * min(claimed spend × cofunding rate (half up), the year's ceiling); the drawdown requests
 * the change from what earlier drawdowns requested, negative when withdrawals outweigh new
 * spend (rules.requestedPerYear). Under the grant's row lock, so concurrent requests are
 * numbered 1, 2, 3… and a part has at most one live claim (the partial unique index on
 * drawdown_parts backs it). 409 nothing_to_draw_down when nothing is left to claim or
 * withdraw; 409 drawdown_ceiling_reached when the ceilings leave the amount unchanged.
 * In the caller's transaction; `input.from`–`input.to` is the period.
 */
export async function createDrawdownIn(
  trx: Knex.Transaction,
  _deps: Deps,
  acting: Acting,
  input: { grantId: string; from: string; to: string },
): Promise<string> {
  const { grantId } = input;
  const period = { from: input.from, to: input.to };
  if (period.to < period.from)
    throw validationError([{ field: 'to', message: 'doit être postérieure ou égale au début de la période' }]);
  const grant = await lockGrant(trx, grantId);
  if (!grant) throw notFound('Subvention');
  const number = await nextDrawdownNumber(trx, grantId);
  const id = await insertDrawdown(trx, {
    grant_id: grantId,
    number,
    period_from: period.from,
    period_to: period.to,
    cofunding_rate_bp: grant.cofunding_rate_bp,
    created_by: acting.actor.userId,
  });
  const withdrawn = await withdrawParts(trx, id, grantId);
  const claimed = await claimParts(trx, id, grantId, period.from, period.to);
  if (claimed.count === 0 && withdrawn.count === 0) throw grantReportsError('nothing_to_draw_down');
  const years = requestedPerYear(
    await claimedByYear(trx, grantId),
    grant.cofunding_rate_bp,
    await grantCeilings(trx, grantId),
    await drawnSoFar(trx, grantId, id),
  );
  if (years.every((y) => y.requestedCents === 0)) throw grantReportsError('drawdown_ceiling_reached');
  await finishDrawdown(trx, id, years);
  await recordAudit(trx, acting, {
    action: 'drawdown.created',
    recordType: 'drawdown',
    recordId: id,
    data: {
      grantId,
      number,
      from: period.from,
      to: period.to,
      claimedParts: claimed.count,
      withdrawnParts: withdrawn.count,
      withdrawnCents: withdrawn.cents,
      eligibleCents: years.reduce((s, y) => s + y.eligibleCents, 0),
      requestedCents: years.reduce((s, y) => s + y.requestedCents, 0),
      cappedYears: years.filter((y) => y.capped).map((y) => y.year),
    },
  });
  return id;
}

export async function presentDrawdown(db: Db, d: DrawdownRow) {
  const grant = (await getGrant(db, d.grant_id))!;
  const ceilings = await grantCeilings(db, d.grant_id);
  return {
    id: d.id,
    grantId: d.grant_id,
    grantReference: grant.reference,
    number: d.number,
    from: d.period_from,
    to: d.period_to,
    eligibleActualCents: d.eligible_actual_cents,
    cofundingRateBp: d.cofunding_rate_bp,
    requestedCents: d.requested_cents,
    createdAt: d.created_at.toISOString(),
    ...(await partCounts(db, d.id)),
    years: (await drawdownYears(db, d.id)).map((y) => ({
      year: y.year,
      eligibleActualCents: y.eligible_actual_cents,
      requestedCents: y.requested_cents,
      ceilingCents: ceilings.get(y.year) ?? null,
    })),
  };
}

async function partCounts(db: Db, id: string) {
  const c = await drawdownPartCounts(db, id);
  return { partCount: c.claimed, withdrawnPartCount: c.withdrawn, withdrawnCents: c.withdrawnCents };
}

export type DrawdownView = Awaited<ReturnType<typeof presentDrawdown>>;

export async function drawdownView(db: Db, id: string): Promise<DrawdownView> {
  const d = await getDrawdown(db, id);
  if (!d) throw notFound('Demande de versement');
  return presentDrawdown(db, d);
}

export async function drawdownList(db: Db, grantId: string): Promise<DrawdownView[]> {
  return Promise.all((await listDrawdowns(db, grantId)).map((d) => presentDrawdown(db, d)));
}

/** Summary lines of a drawdown per year, for the CSV/XLSX trailer and the PDF. */
export function drawdownSummary(d: DrawdownView): string[][] {
  return d.years.map((y) => [
    String(y.year),
    formatCents(y.eligibleActualCents),
    formatCents(y.requestedCents),
    y.ceilingCents === null ? 'sans plafond' : formatCents(y.ceilingCents),
  ]);
}

/** The numbered drawdown document (demande de versement): what is asked, per year, and on what spend. */
export async function drawdownPdf(d: DrawdownView, grant: GrantRow, orgName: string): Promise<Uint8Array> {
  const pdf = await PdfDocument.create(
    `Demande de versement n° ${d.number} ${grant.reference}`,
    `${orgName} — demande de versement n° ${d.number} — ${grant.reference}`,
  );
  pdf.heading(`Demande de versement n° ${d.number}`);
  pdf.facts([
    ['Organisme', orgName],
    ...grantFacts(grant),
    ['Période des paiements', `du ${formatDate(d.from)} au ${formatDate(d.to)}`],
    ['Établie le', formatDate(d.createdAt)],
  ]);
  pdf.heading('Montant demandé', 2);
  pdf.table(
    [
      { header: 'Année', width: 15 },
      { header: 'Dépenses éligibles payées', width: 30, align: 'right' },
      { header: 'Montant demandé', width: 28, align: 'right' },
      { header: 'Plafond annuel', width: 27, align: 'right' },
    ],
    [...drawdownSummary(d), ['Total', formatCents(d.eligibleActualCents), formatCents(d.requestedCents), '']],
  );
  if (d.requestedCents < 0)
    pdf.paragraph(
      `Régularisation : les retraits l’emportent sur les dépenses nouvelles. Le montant de ${formatCents(-d.requestedCents)} sera déduit du prochain versement ou reversé au financeur.`,
      { size: 9.5 },
    );
  pdf.paragraph(
    `Pour chaque année, le montant dû = dépenses éligibles payées demandées à ce jour × taux de cofinancement (${(d.cofundingRateBp / 100).toLocaleString('fr-FR')} %), arrondi au centime, dans la limite du plafond annuel ; cette demande porte sur l’écart avec les demandes précédentes. ${d.partCount} ligne(s) de dépense demandée(s), détaillées dans l’état joint (CSV ou Excel de cette demande) ; aucune ne figure dans une autre demande en cours.`,
    { size: 9.5 },
  );
  if (d.withdrawnPartCount > 0)
    pdf.paragraph(
      `Retraits : ${d.withdrawnPartCount} ligne(s) demandée(s) précédemment ne sont plus payées (paiement rejeté par la banque ou demande annulée). Leurs ${formatCents(d.withdrawnCents)} de dépenses sont retirés ; ils figurent en négatif dans l’état joint et pourront être demandés à nouveau une fois payés.`,
      { size: 9.5 },
    );
  pdf.signature('L’ordonnateur ou le représentant légal (nom, date, signature)');
  return pdf.save();
}

/** What a drawdown for the period would do now (for the confirmation page; nothing written). */
export async function previewDrawdown(db: Db, grant: GrantRow, from: string, to: string) {
  const preview = await drawdownPreview(db, grant.id, from, to);
  const years = requestedPerYear(
    preview.claimedByYear,
    grant.cofunding_rate_bp,
    await grantCeilings(db, grant.id),
    await drawnSoFar(db, grant.id),
  );
  return {
    years,
    claim: preview.claim,
    withdraw: preview.withdraw,
    eligibleCents: years.reduce((s, y) => s + y.eligibleCents, 0),
    requestedCents: years.reduce((s, y) => s + y.requestedCents, 0),
  };
}

/** `createDrawdownIn` in a transaction of its own. */
export const createDrawdown = (deps: Deps, acting: Acting, input: { grantId: string; from: string; to: string }) =>
  inTransaction(deps.db, (trx) => createDrawdownIn(trx, deps, acting, input));
