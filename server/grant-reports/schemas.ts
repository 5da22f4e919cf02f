import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { obj, Uuid, FreeText, RecordId } from '../shared/schema.js';
import { COST_CATEGORIES } from '../settings/index.js';

const lit = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;
const Day = (description: string) => Type.String({ format: 'date', description });

export const GrantIdParams = obj({ id: RecordId('grants') });
export const DrawdownIdParams = obj({ id: RecordId('drawdowns') });

export const PeriodQuery = obj({
  from: Type.Optional(Day('first payment day (default: start of the grant period, or of the auditor’s range)')),
  to: Type.Optional(Day('last payment day (default: end of the grant period, or of the auditor’s range)')),
});

export const StatementQuery = obj({
  from: Type.Optional(Day('first payment day (default: start of the grant period)')),
  to: Type.Optional(Day('last payment day (default: end of the grant period)')),
  format: Type.Optional(lit(['csv', 'xlsx', 'pdf'] as const)),
});
export type StatementQuery = Static<typeof StatementQuery>;

export const FinancialReportQuery = obj({
  year: Type.String({ pattern: '^(20[0-9]{2}|2100)$', description: 'calendar year' }),
  format: Type.Optional(lit(['json', 'pdf', 'csv', 'xlsx'] as const)),
});

export const NotesBody = obj({
  year: Type.Integer({ minimum: 2000, maximum: 2100 }),
  notes: Type.Array(obj({ category: lit(COST_CATEGORIES), explanation: FreeText({ maxLength: 2000 }) }), {
    maxItems: COST_CATEGORIES.length,
  }),
});
export type NotesBody = Static<typeof NotesBody>;

const Gap = {
  gapCents: Type.Integer({ description: 'actual − planned' }),
  gapPercent: Type.Union([Type.Number(), Type.Null()], {
    description: 'gap in percent of planned (null when nothing was planned)',
  }),
};
/** The financial report of a year, laid out like CERFA 15059 (financial-report.ts). */
export const FinancialReportView = obj({
  grantId: Uuid,
  reference: Type.String(),
  year: Type.Integer(),
  orgName: Type.String(),
  rows: Type.Array(
    obj({
      category: Type.String(),
      label: Type.String(),
      plannedCents: Type.Integer(),
      actualCents: Type.Integer(),
      ...Gap,
      explanation: Type.String(),
      href: Type.String({ description: 'the expense list filtered to the parts behind the actual figure' }),
    }),
  ),
  totals: obj({ plannedCents: Type.Integer(), actualCents: Type.Integer(), ...Gap }),
  qualitative: obj({
    sessionsHeld: Type.Integer(),
    participants: Type.Integer(),
    attendanceRatePercent: Type.Union([Type.Number(), Type.Null()]),
  }),
});
export type FinancialReportView = Static<typeof FinancialReportView>;

export const DrawdownBody = obj({ from: Day('first payment day'), to: Day('last payment day') });
export type DrawdownBody = Static<typeof DrawdownBody>;

const Figures = {
  plannedCents: Type.Integer(),
  committedCents: Type.Integer({
    description: 'parts committed or actual (for a scoped auditor: incurred within their range)',
  }),
  actualCents: Type.Integer({ description: 'parts paid (for a scoped auditor: paid within their range)' }),
  remainingCents: Type.Union([Type.Integer(), Type.Null()], {
    description: 'planned − committed; null for a scoped auditor (budget lines span whole years)',
  }),
  links: obj(
    { committed: Type.String(), actual: Type.String() },
    { description: 'the expense list (/expenses) filtered to the parts behind the figure: its total is the figure' },
  ),
};

export const GrantDashboardView = obj({
  grant: obj({
    id: Uuid,
    reference: Type.String(),
    funder: Type.String(),
    programme: Type.String(),
    periodStart: Type.String(),
    periodEnd: Type.String(),
    totalCents: Type.Integer(),
    cofundingRateBp: Type.Integer(),
  }),
  asOf: Type.String({ format: 'date' }),
  auditorRange: Type.Union(
    [obj({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }), Type.Null()],
    { description: 'the days a scoped auditor’s figures cover (null: everything)' },
  ),
  totals: obj(Figures),
  byCategory: Type.Array(obj({ category: Type.String(), label: Type.String(), ...Figures })),
  byLine: Type.Array(
    obj({ budgetLineId: Uuid, category: Type.String(), label: Type.String(), year: Type.Integer(), ...Figures }),
  ),
  byProject: Type.Array(
    obj({ projectId: Uuid, name: Type.String(), shareBp: Type.Union([Type.Integer(), Type.Null()]), ...Figures }),
  ),
  monthly: Type.Array(
    obj({
      month: Type.String(),
      label: Type.String(),
      actualCents: Type.Integer(),
      cumulativeCents: Type.Integer(),
      href: Type.String(),
    }),
  ),
  forecast: Type.Union(
    [
      obj({
        method: Type.String(),
        paceCents: Type.Integer(),
        monthsLeft: Type.Integer(),
        forecastCents: Type.Integer(),
        plannedCents: Type.Integer(),
        gapCents: Type.Integer(),
      }),
      Type.Null(),
    ],
    { description: 'null for a scoped auditor (the pace would use months outside their range)' },
  ),
  costs: obj({
    participants: Type.Integer(),
    attendedHours: Type.Number(),
    perParticipantCents: Type.Union([Type.Integer(), Type.Null()]),
    perAttendedHourCents: Type.Union([Type.Integer(), Type.Null()]),
  }),
  costsComputedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description:
      'when the attendance behind the costs was computed (in the background, or on POST /api/grants/{id}/figures); null: computed for this answer (a scoped auditor’s range)',
  }),
});

const Links = Figures.links;
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const Delays = obj({ count: Type.Integer(), medianDays: NullableInt, p90Days: NullableInt });
/** The money side of a project dashboard (dashboard.ts `projectBudgetDashboard`). */
export const ProjectBudgetView = obj({
  asOf: Type.String({ format: 'date' }),
  totals: obj(Figures),
  byCategory: Type.Array(obj({ category: Type.String(), label: Type.String(), ...Figures })),
  monthly: Type.Array(
    obj({
      month: Type.String(),
      label: Type.String(),
      actualCents: Type.Integer(),
      cumulativeCents: Type.Integer(),
      href: Type.String(),
    }),
  ),
  forecast: Type.Union(
    [
      obj({
        method: Type.String(),
        paceCents: Type.Integer(),
        monthsLeft: Type.Integer(),
        forecastCents: Type.Integer(),
        plannedCents: Type.Integer(),
      }),
      Type.Null(),
    ],
    { description: 'null when the project has no end date' },
  ),
  costs: obj({
    participants: Type.Integer(),
    attendedHours: Type.Number(),
    perParticipantCents: NullableInt,
    perAttendedHourCents: NullableInt,
  }),
  timeToMoney: obj(
    { claims: Type.Integer(), toSubmission: Delays, toDecision: Delays, toPayment: Delays },
    { description: 'calendar days from the end of the session: median and 90th percentile' },
  ),
});
/** A scoped auditor's money on a project dashboard: their grants' parts within their range. */
export const ScopedProjectBudgetView = obj({
  asOf: Type.String({ format: 'date' }),
  grants: Type.Array(
    obj({
      grantId: Uuid,
      reference: Type.String(),
      funder: Type.String(),
      auditorRange: obj({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }),
      totals: obj({ committedCents: Type.Integer(), actualCents: Type.Integer(), links: Links }),
      byCategory: Type.Array(
        obj({
          category: Type.String(),
          label: Type.String(),
          committedCents: Type.Integer(),
          actualCents: Type.Integer(),
          links: Links,
        }),
      ),
    }),
  ),
});

export const DrawdownView = obj({
  id: Uuid,
  grantId: Uuid,
  grantReference: Type.String(),
  number: Type.Integer(),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  eligibleActualCents: Type.Integer(),
  cofundingRateBp: Type.Integer(),
  requestedCents: Type.Integer(),
  createdAt: Type.String(),
  partCount: Type.Integer({ description: 'Expense parts this drawdown claimed' }),
  withdrawnPartCount: Type.Integer({
    description:
      'Parts earlier drawdowns claimed that this one withdrew (their expense is no longer paid: payment rejected, claim cancelled)',
  }),
  withdrawnCents: Type.Integer({ description: 'Eligible spend of the withdrawn parts, deducted' }),
  years: Type.Array(
    obj({
      year: Type.Integer(),
      eligibleActualCents: Type.Integer(),
      requestedCents: Type.Integer(),
      ceilingCents: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});
export const DrawdownList = obj({ items: Type.Array(DrawdownView) });
