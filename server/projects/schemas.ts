import { Type, type Static } from '@sinclair/typebox';
import { obj, Uuid, Nullable, Cents, ListQuery, Label, FreeText, RecordId } from '../shared/schema.js';
import { COST_CATEGORIES, type CostCategory } from '../settings/index.js';
import { ProjectBudgetView, ScopedProjectBudgetView } from '../grant-reports/index.js';

export const PARTICIPATION_LEVELS = ['information', 'consultation', 'concertation', 'co_construction'] as const;
export const PARTICIPATION_LEVEL_LABELS: Record<(typeof PARTICIPATION_LEVELS)[number], string> = {
  information: 'Information',
  consultation: 'Consultation',
  concertation: 'Concertation',
  co_construction: 'Co-construction',
};

/** Target dimensions and their values: the optional profile's terms (docs/domain.md#representativeness-profile). */
export const TARGET_VALUES = {
  age_band: ['16-24', '25-29', '30-44', '45-59', '60-74', '75+'],
  activity: ['in_work', 'job_seeker', 'student', 'retired', 'other'],
  household: ['single', 'couple', 'with_children', 'single_parent'],
} as const;
export type TargetDimension = keyof typeof TARGET_VALUES;
export const DIMENSION_LABELS: Record<TargetDimension, string> = {
  age_band: 'Tranche d’âge',
  activity: 'Activité',
  household: 'Foyer',
};
export const VALUE_LABELS: Record<string, string> = {
  '16-24': '16–24 ans',
  '25-29': '25–29 ans',
  '30-44': '30–44 ans',
  '45-59': '45–59 ans',
  '60-74': '60–74 ans',
  '75+': '75 ans et plus',
  in_work: 'En emploi',
  job_seeker: 'En recherche d’emploi',
  student: 'Études ou formation',
  retired: 'Retraite',
  other: 'Autre',
  single: 'Seul·e',
  couple: 'En couple',
  with_children: 'Avec enfants',
  single_parent: 'Parent isolé',
};

const lit = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const ParticipationLevel = lit(PARTICIPATION_LEVELS);
const LocalDate = Type.String({ format: 'date' });
const Budget = Type.Partial(
  obj(Object.fromEntries(COST_CATEGORIES.map((c) => [c, Cents])) as Record<CostCategory, typeof Cents>),
  { additionalProperties: false, description: 'Planned cents per cost category' },
);
const Target = obj({
  dimension: lit(Object.keys(TARGET_VALUES) as TargetDimension[]),
  value: Label({ maxLength: 40 }),
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
});

const fields = {
  name: Label({ maxLength: 200 }),
  description: FreeText({ maxLength: 5000 }),
  participationLevel: ParticipationLevel,
  leadUserId: Nullable(Uuid),
  startsOn: LocalDate,
  endsOn: Nullable(LocalDate),
  status: Type.Union([Type.Literal('active'), Type.Literal('closed')]),
  solicitationLimit: Nullable(
    Type.Integer({ minimum: 1, maximum: 50, description: 'Overrides the organisation’s limit per rolling 90 days' }),
  ),
  allowanceEnabled: Type.Boolean(),
  allowanceHalfDayCents: Nullable(Cents),
  budget: Budget,
  targets: Type.Array(Target, { maxItems: 30 }),
};

export const ProjectCreateBody = obj({
  name: fields.name,
  description: Type.Optional(fields.description),
  participationLevel: fields.participationLevel,
  leadUserId: Type.Optional(fields.leadUserId),
  startsOn: fields.startsOn,
  endsOn: Type.Optional(fields.endsOn),
  solicitationLimit: Type.Optional(fields.solicitationLimit),
  allowanceEnabled: Type.Optional(fields.allowanceEnabled),
  allowanceHalfDayCents: Type.Optional(fields.allowanceHalfDayCents),
  budget: Type.Optional(fields.budget),
  targets: Type.Optional(fields.targets),
});
export type ProjectCreateBody = Static<typeof ProjectCreateBody>;

export const ProjectPatchBody = Type.Partial(obj(fields), { additionalProperties: false, minProperties: 1 });
export type ProjectPatchBody = Static<typeof ProjectPatchBody>;

export const ProjectView = obj({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  participationLevel: ParticipationLevel,
  leadUserId: Nullable(Uuid),
  leadName: Nullable(Type.String()),
  startsOn: LocalDate,
  endsOn: Nullable(LocalDate),
  status: fields.status,
  solicitationLimit: Nullable(Type.Integer()),
  allowanceEnabled: Type.Boolean(),
  allowanceHalfDayCents: Nullable(Type.Integer()),
  budget: Type.Record(Type.String(), Type.Integer()),
  plannedTotalCents: Type.Integer(),
  targets: Type.Array(Target),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ProjectListQuery = obj({
  ...ListQuery,
  q: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(fields.status),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
});
export const ProjectList = obj({ items: Type.Array(ProjectView), nextCursor: Nullable(Type.String()) });
export const ProjectIdParams = obj({ id: RecordId('projects') });

const Percent = Nullable(Type.Integer());
/** What a project lead watches (dashboard.ts): attendance, attrition, panel composition (groups under 5 hidden), venue costs, budget. */
export const ProjectDashboardView = obj({
  projectId: Uuid,
  sessions: Type.Array(
    obj({
      id: Uuid,
      title: Type.String(),
      startsAt: Type.String({ format: 'date-time' }),
      startLocal: Type.String(),
      status: Type.String(),
      expected: Type.Integer(),
      attended: Type.Integer(),
      attendanceRate: Percent,
    }),
  ),
  sessionCount: Type.Integer({ description: 'all sessions of the project; `sessions` holds the last 30 by start' }),
  overallAttendanceRate: Percent,
  attrition: Type.Array(
    obj({
      sessionId: Uuid,
      title: Type.String(),
      startLocal: Type.String(),
      retained: Type.Integer(),
      retainedPercent: Percent,
    }),
  ),
  composition: Type.Array(
    obj({
      dimension: Type.String(),
      label: Type.String(),
      answered: Nullable(Type.Integer({ description: 'null under the minimum group size' })),
      groups: Type.Array(
        obj({
          value: Type.String(),
          label: Type.String(),
          count: Nullable(Type.Integer()),
          percent: Percent,
          targetPercent: Nullable(Type.Number()),
        }),
      ),
    }),
  ),
  minGroupSize: Type.Integer(),
  figuresComputedAt: Type.String({
    format: 'date-time',
    description:
      'when the whole-project figures (overall attendance rate, composition, cost per person, time to money) were computed: in the background every 30 minutes, or on POST /api/projects/{id}/figures',
  }),
  venueCosts: Nullable(
    obj({ committedCents: Type.Integer(), plannedCents: Type.Integer() }, { description: 'null for a scoped auditor' }),
  ),
  budget: Nullable(ProjectBudgetView),
  auditorBudget: Nullable(ScopedProjectBudgetView),
});
export type ProjectDashboardView = Static<typeof ProjectDashboardView>;
