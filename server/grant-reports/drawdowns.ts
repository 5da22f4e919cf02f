import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import { conflict, notFound, validationError } from '../shared/errors.js';
import { formatCents, formatDate } from '../shared/format.js';
import { PdfDocument } from '../shared/pdf.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import {
  claimParts, drawdownPartCount, drawdownYears, finishDrawdown, getDrawdown, getGrant, grantCeilings, insertDrawdown, listDrawdowns, lockGrant, nextDrawdownNumber,
  requestedBefore, requestedSoFar, unclaimedByYear, type DrawdownRow, type GrantRow,
} from './repo.js';
import { requestedPerYear } from './rules.js';
import { grantFacts } from './statement.js';

/**
 * Creates the next drawdown (demande de versement) of a grant for a period of payment dates:
 * every actual part of the grant paid in the period and not yet claimed is claimed; per
 * budget-line year, requested = eligible × cofunding rate (half up), capped by the year's
 * ceiling minus what earlier drawdowns requested for that year. Under the grant's row lock,
 * so concurrent requests are numbered 1, 2, 3… and never claim a part twice (the unique
 * index on drawdown_parts.expense_part_id backs it). 409 nothing_to_draw_down when no part
 * is left; 409 drawdown_ceiling_reached when the ceilings leave nothing to ask.
 */
export async function createDrawdown(trx: Knex.Transaction, actor: AuditActor, grantId: string, period: { from: string; to: string }): Promise<string> {
  if (period.to < period.from) throw validationError([{ field: 'to', message: 'doit être postérieure ou égale au début de la période' }]);
  const grant = await lockGrant(trx, grantId);
  if (!grant) throw notFound('Subvention');
  const number = await nextDrawdownNumber(trx, grantId);
  const id = await insertDrawdown(trx, { grant_id: grantId, number, period_from: period.from, period_to: period.to, cofunding_rate_bp: grant.cofunding_rate_bp, created_by: actor.userId });
  const eligible = await claimParts(trx, id, grantId, period.from, period.to);
  if (eligible.size === 0) throw conflict('nothing_to_draw_down', 'Aucune dépense payée sur cette période ne reste à demander : toutes sont déjà dans une demande de versement, ou aucune n’a été payée.');
  const years = requestedPerYear(eligible, grant.cofunding_rate_bp, await grantCeilings(trx, grantId), await requestedBefore(trx, grantId, id));
  if (years.every((y) => y.requestedCents === 0)) throw conflict('drawdown_ceiling_reached', 'Les plafonds annuels de la subvention sont atteints : il ne reste rien à demander pour ces dépenses.');
  await finishDrawdown(trx, id, years);
  await recordAudit(trx, actor, {
    action: 'drawdown.created', recordType: 'drawdown', recordId: id,
    data: { grantId, number, from: period.from, to: period.to, eligibleCents: years.reduce((s, y) => s + y.eligibleCents, 0), requestedCents: years.reduce((s, y) => s + y.requestedCents, 0), cappedYears: years.filter((y) => y.capped).map((y) => y.year) },
  });
  return id;
}

export async function presentDrawdown(db: Db, d: DrawdownRow) {
  const grant = (await getGrant(db, d.grant_id))!;
  const ceilings = await grantCeilings(db, d.grant_id);
  return {
    id: d.id, grantId: d.grant_id, grantReference: grant.reference, number: d.number, from: d.period_from, to: d.period_to,
    eligibleActualCents: d.eligible_actual_cents, cofundingRateBp: d.cofunding_rate_bp, requestedCents: d.requested_cents,
    createdAt: d.created_at.toISOString(), partCount: await drawdownPartCount(db, d.id),
    years: (await drawdownYears(db, d.id)).map((y) => ({ year: y.year, eligibleActualCents: y.eligible_actual_cents, requestedCents: y.requested_cents, ceilingCents: ceilings.get(y.year) ?? null })),
  };
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
  return d.years.map((y) => [String(y.year), formatCents(y.eligibleActualCents), formatCents(y.requestedCents), y.ceilingCents === null ? 'sans plafond' : formatCents(y.ceilingCents)]);
}

/** The numbered drawdown document (demande de versement): what is asked, per year, and on what spend. */
export async function drawdownPdf(d: DrawdownView, grant: GrantRow, orgName: string): Promise<Uint8Array> {
  const pdf = await PdfDocument.create(`Demande de versement n° ${d.number} ${grant.reference}`, `${orgName} — demande de versement n° ${d.number} — ${grant.reference}`);
  pdf.heading(`Demande de versement n° ${d.number}`);
  pdf.facts([['Organisme', orgName], ...grantFacts(grant), ['Période des paiements', `du ${formatDate(d.from)} au ${formatDate(d.to)}`], ['Établie le', formatDate(d.createdAt)]]);
  pdf.heading('Montant demandé', 2);
  pdf.table(
    [{ header: 'Année', width: 15 }, { header: 'Dépenses éligibles payées', width: 30, align: 'right' }, { header: 'Montant demandé', width: 28, align: 'right' }, { header: 'Plafond annuel', width: 27, align: 'right' }],
    [...drawdownSummary(d), ['Total', formatCents(d.eligibleActualCents), formatCents(d.requestedCents), '']],
  );
  pdf.paragraph(`Montant demandé = dépenses éligibles payées × taux de cofinancement (${(d.cofundingRateBp / 100).toLocaleString('fr-FR')} %), arrondi au centime, dans la limite du plafond annuel restant après les demandes précédentes. ${d.partCount} ligne(s) de dépense, détaillées dans l’état joint (CSV ou Excel de cette demande) ; aucune ne figure dans une autre demande.`, { size: 9.5 });
  pdf.signature('L’ordonnateur ou le représentant légal (nom, date, signature)');
  return pdf.save();
}

/** What a drawdown for the period would request now (for the confirmation page; nothing written). */
export async function previewDrawdown(db: Db, grant: GrantRow, from: string, to: string) {
  const years = requestedPerYear(await unclaimedByYear(db, grant.id, from, to), grant.cofunding_rate_bp, await grantCeilings(db, grant.id), await requestedSoFar(db, grant.id));
  return { years, eligibleCents: years.reduce((s, y) => s + y.eligibleCents, 0), requestedCents: years.reduce((s, y) => s + y.requestedCents, 0) };
}
