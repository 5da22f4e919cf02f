import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { Cents, ListQuery, Nullable, obj, Uuid, Label, FreeText, RecordId } from '../shared/schema.js';
import { Override } from '../shared/override.js';
import { COST_CATEGORIES } from '../settings/index.js';

const lit = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;
const Day = Type.String({ format: 'date' });
const Category = lit(COST_CATEGORIES);
const Bp = Type.Integer({ minimum: 1, maximum: 10000, description: 'basis points: 5000 = 50 %' });

export const EXPENSE_STATUSES = ['committed', 'actual', 'cancelled'] as const;
export const EXPENSE_SOURCES = ['claim_line', 'booking', 'invoice'] as const;
export const EXPENSE_STATUS_LABELS: Record<(typeof EXPENSE_STATUSES)[number], string> = {
  committed: 'Engagée',
  actual: 'Réalisée (payée)',
  cancelled: 'Annulée',
};
export const EXPENSE_SOURCE_LABELS: Record<(typeof EXPENSE_SOURCES)[number], string> = {
  claim_line: 'Demande de remboursement',
  booking: 'Réservation de salle',
  invoice: 'Facture',
};

const GrantFields = {
  funder: Label({ maxLength: 200 }),
  programme: Type.Optional(Label({ minLength: 0, maxLength: 200 })),
  axis: Type.Optional(Label({ minLength: 0, maxLength: 200 })),
  agreementNumber: Type.Optional(Label({ minLength: 0, maxLength: 100 })),
  periodStart: Day,
  periodEnd: Day,
  totalCents: Cents,
  cofundingRateBp: Bp,
  eligibleCategories: Type.Array(Category, { minItems: 1, maxItems: COST_CATEGORIES.length, uniqueItems: true }),
  ceilings: Type.Optional(
    Type.Array(obj({ year: Type.Integer({ minimum: 2000, maximum: 2100 }), ceilingCents: Cents }), { maxItems: 100 }),
  ),
  projects: Type.Optional(Type.Array(obj({ projectId: Uuid, shareBp: Bp }), { maxItems: 200 })),
};
export const GrantCreateBody = obj(GrantFields);
export type GrantCreateBody = Static<typeof GrantCreateBody>;
export const GrantPatchBody = obj({
  version: Type.Integer({ minimum: 1, description: 'the version read: a stale one answers 409 version_conflict' }),
  ...Type.Partial(obj(GrantFields)).properties,
  status: Type.Optional(lit(['active', 'closed'] as const)),
});
export type GrantPatchBody = Static<typeof GrantPatchBody>;

export const IdParams = obj({ id: RecordId('grants') });
export const ExpenseIdParams = obj({ id: RecordId('expenses') });
export const LineParams = obj({ id: RecordId('grants'), lineId: RecordId('budget_lines') });
export const GrantListQuery = obj({
  ...ListQuery,
  q: Type.Optional(Type.String({ maxLength: 100, description: 'funder, reference or agreement number' })),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
});

export const BudgetLineBody = obj({
  category: Category,
  year: Type.Integer({ minimum: 2000, maximum: 2100 }),
  amountCents: Cents,
});
export const BudgetLinePatch = obj({ amountCents: Cents });

const FigureLinks = obj({
  committed: Type.String({
    description:
      'The expense list (/expenses) filtered to the parts behind committedCents: its totalCents is the figure',
  }),
  actual: Type.String({ description: 'The expense list filtered to the parts behind actualCents' }),
});
const BudgetLineView = obj({
  id: Uuid,
  category: Type.String(),
  year: Type.Integer(),
  amountCents: Cents,
  committedCents: Type.Integer({
    minimum: 0,
    description:
      'Parts of expenses committed, not yet paid; for a scoped auditor (auditorRange), parts of expenses incurred (day of service) within their range, paid or not',
  }),
  actualCents: Type.Integer({
    minimum: 0,
    description: 'Parts of paid expenses; for a scoped auditor, parts paid within their range',
  }),
  remainingCents: Nullable(
    Type.Integer({
      description:
        'amount − committed − actual (negative when overspent); null for a scoped auditor (it would mix in dates outside their range)',
    }),
  ),
  links: FigureLinks,
});
export const GrantSummary = obj({
  id: Uuid,
  reference: Type.String(),
  funder: Type.String(),
  programme: Type.String(),
  axis: Type.String(),
  agreementNumber: Type.String(),
  periodStart: Type.String(),
  periodEnd: Type.String(),
  totalCents: Cents,
  cofundingRateBp: Type.Integer(),
  eligibleCategories: Type.Array(Type.String()),
  status: Type.String(),
  version: Type.Integer(),
  createdAt: Type.String(),
});
export const GrantView = obj({
  ...GrantSummary.properties,
  ceilings: Type.Array(obj({ year: Type.Integer(), ceilingCents: Cents })),
  projects: Type.Array(obj({ projectId: Uuid, name: Type.String(), shareBp: Type.Integer() })),
  auditorRange: Nullable(
    obj(
      { from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) },
      {
        description:
          'The days a scoped auditor is limited to on this grant: the budget lines’ figures are theirs (null: unscoped reader)',
      },
    ),
  ),
  budgetLines: Type.Array(BudgetLineView),
  warnings: Type.Optional(Type.Array(obj({ code: Type.String(), message: Type.String() }))),
});
export const GrantList = obj({ items: Type.Array(GrantSummary), nextCursor: Nullable(Type.String()) });

// ---- expenses ----

const CentsText = Type.String({ pattern: '^[0-9]{1,11}$', description: 'integer cents (multipart field)' });
export const ExpenseCreateBody = obj(
  {
    projectId: Uuid,
    category: Category,
    description: Type.Optional(FreeText({ maxLength: 500 })),
    supplier: Type.Optional(Label({ minLength: 0, maxLength: 200 })),
    invoiceNumber: Type.Optional(Label({ minLength: 0, maxLength: 100 })),
    amountCents: CentsText,
    incurredOn: Day,
    paidOn: Type.Optional(Day),
    override: Type.Optional(Override),
  },
  {
    description:
      'multipart/form-data with the invoice in `file` (PDF, JPEG or PNG); `override[reason]` for a budget override',
  },
);
export type ExpenseCreateBody = Static<typeof ExpenseCreateBody>;
export const InvoiceBody = obj(
  { paidOn: Day, amountCents: Type.Optional(CentsText), override: Type.Optional(Override) },
  { description: 'multipart/form-data with the invoice in `file`' },
);
export const PaidBody = obj({ paidOn: Day });
export const CancelBody = obj({});
const STATUS_WORD = `(${EXPENSE_STATUSES.join('|')})`;
/** `committed`, `actual`, `cancelled`, or several separated by commas (`committed,actual`: what is committed, paid or not). */
export const StatusList = Type.String({
  pattern: `^${STATUS_WORD}(,${STATUS_WORD}){0,2}$`,
  description: 'one status or several separated by commas: committed,actual is everything committed (paid or not)',
});
export const ExpenseListQuery = obj({
  ...ListQuery,
  projectId: Type.Optional(Uuid),
  grantId: Type.Optional(
    Type.String({ format: 'uuid', description: 'expenses with a part on this grant; the sums count only those parts' }),
  ),
  budgetLineId: Type.Optional(
    Type.String({
      format: 'uuid',
      description: 'expenses with a part on this budget line; the sums count only those parts',
    }),
  ),
  category: Type.Optional(Category),
  status: Type.Optional(StatusList),
  source: Type.Optional(lit(EXPENSE_SOURCES)),
  from: Type.Optional(Type.String({ format: 'date', description: 'first day of service (incurredOn)' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'last day of service (incurredOn)' })),
  paidFrom: Type.Optional(
    Type.String({ format: 'date', description: 'first payment day (actual spend is reported by payment day)' }),
  ),
  paidTo: Type.Optional(Type.String({ format: 'date', description: 'last payment day' })),
  sort: Type.Optional(
    Type.String({
      maxLength: 20,
      description: 'incurredOn|createdAt|amountCents|reference, - for descending (default -incurredOn)',
    }),
  ),
});
export type ExpenseListQuery = Static<typeof ExpenseListQuery>;
/** The filters of the expense list, parsed (statuses split). */
export type ExpenseFilters = Omit<ExpenseListQuery, 'status' | 'limit' | 'cursor' | 'sort'> & { statuses?: string[] };

const PartView = obj({
  id: Uuid,
  grantId: Nullable(Uuid),
  grantReference: Nullable(Type.String()),
  budgetLineId: Nullable(Uuid),
  category: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  amountCents: Cents,
  inDrawdown: Type.Boolean(),
});
export const ExpenseView = obj({
  id: Uuid,
  reference: Type.String(),
  projectId: Uuid,
  category: Type.String(),
  source: Type.String(),
  claimId: Nullable(Uuid),
  claimLineId: Nullable(Uuid),
  bookingId: Nullable(Uuid),
  sessionId: Nullable(Uuid),
  description: Type.String(),
  supplier: Type.String(),
  invoiceNumber: Type.String(),
  hasInvoice: Type.Boolean(),
  amountCents: Cents,
  incurredOn: Type.String(),
  status: Type.String(),
  paidOn: Nullable(Type.String()),
  overridden: Type.Boolean(),
  createdAt: Type.String(),
  parts: Type.Array(PartView),
  warnings: Type.Optional(Type.Array(obj({ code: Type.String(), message: Type.String() }))),
});
export const ExpenseListItem = obj({
  ...ExpenseView.properties,
  listedCents: Type.Integer({
    description:
      'what this expense counts in the list: the sum of its parts on the grant or budget line asked (for a scoped auditor, of its parts they may see), otherwise its whole amount',
  }),
});
export const ExpenseList = obj({
  items: Type.Array(ExpenseListItem),
  nextCursor: Nullable(Type.String()),
  count: Type.Integer({ description: 'expenses matching the filters, all pages' }),
  totalCents: Type.Integer({
    description: 'sum of listedCents over all pages: the dashboard figure a link with these filters stands for',
  }),
});

// ---- auditor scopes ----

export const ScopeBody = obj({
  userId: Uuid,
  fromDate: Day,
  toDate: Day,
  expiresAt: Type.String({ format: 'date-time' }),
});
export const ScopeParams = obj({ id: RecordId('grants'), userId: RecordId('users') });
export const ScopeView = obj({
  id: Uuid,
  userId: Uuid,
  grantId: Uuid,
  fromDate: Type.String(),
  toDate: Type.String(),
  expiresAt: Type.String(),
});
export const ScopeList = obj({ items: Type.Array(ScopeView) });
