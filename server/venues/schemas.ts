import { Type, type Static } from '@sinclair/typebox';
import { obj, Uuid, Nullable, Cents, Email, ListQuery, Label, FreeText, RecordId } from '../shared/schema.js';

export const VENUE_ATTRIBUTES = [
  'step_free_access',
  'accessible_toilets',
  'hearing_loop',
  'pmr_parking',
  'childcare_space',
] as const;
export type VenueAttribute = (typeof VENUE_ATTRIBUTES)[number];
export const VENUE_ATTRIBUTE_LABELS: Record<VenueAttribute, string> = {
  step_free_access: 'Accès sans marche',
  accessible_toilets: 'Toilettes accessibles',
  hearing_loop: 'Boucle magnétique',
  pmr_parking: 'Stationnement PMR',
  childcare_space: 'Espace pour la garde d’enfants',
};
export const COST_MODE_LABELS = { free: 'Gratuit', half_day: 'Par demi-journée', day: 'Par journée' } as const;

const CostMode = Type.Union([Type.Literal('free'), Type.Literal('half_day'), Type.Literal('day')]);
const Text = (max: number) => Label({ minLength: 0, maxLength: max });

const fields = {
  name: Label({ maxLength: 200 }),
  address: Text(300),
  postalCode: Nullable(Type.String({ pattern: '^[0-9]{5}$' })),
  communeInsee: Nullable(Type.String({ pattern: '^[0-9][0-9AB][0-9]{3}$' })),
  communeName: Nullable(Text(100)),
  capacity: Type.Integer({ minimum: 1, maximum: 10000 }),
  stepFreeAccess: Type.Boolean(),
  accessibleToilets: Type.Boolean(),
  hearingLoop: Type.Boolean(),
  pmrParking: Type.Boolean(),
  childcareSpace: Type.Boolean(),
  transportAccess: FreeText({ maxLength: 1000 }),
  costMode: CostMode,
  costCents: Cents,
  contactName: Nullable(Text(200)),
  contactPhone: Nullable(Type.String({ pattern: '^[0-9 +().-]{0,20}$' })),
  contactEmail: Nullable(Email),
  notes: FreeText({ maxLength: 2000 }),
  active: Type.Boolean(),
};

const { name, capacity, ...optional } = fields;
export const VenueCreateBody = Type.Composite([obj({ name, capacity }), Type.Partial(obj(optional))], {
  additionalProperties: false,
});
export type VenueCreateBody = Static<typeof VenueCreateBody>;

export const VenuePatchBody = Type.Partial(obj(fields), { additionalProperties: false, minProperties: 1 });
export type VenuePatchBody = Static<typeof VenuePatchBody>;

export const VenueView = obj({ id: Uuid, ...fields, createdAt: Type.String({ format: 'date-time' }) });

export const VenueListQuery = obj({
  ...ListQuery,
  q: Type.Optional(Type.String({ maxLength: 100 })),
  minCapacity: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  commune: Type.Optional(Type.String({ maxLength: 100, description: 'INSEE code or commune name' })),
  cost: Type.Optional(Type.Union([Type.Literal('free'), Type.Literal('paid')])),
  needs: Type.Optional(
    Type.String({
      maxLength: 200,
      pattern: '^[a-z_]+(,[a-z_]+)*$',
      description: `Comma-separated attributes the venue must have: ${VENUE_ATTRIBUTES.join(', ')}`,
    }),
  ),
  active: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
});
export type VenueListQuery = Static<typeof VenueListQuery>;
export const VenueList = obj({ items: Type.Array(VenueView), nextCursor: Nullable(Type.String()) });
export const VenueIdParams = obj({ id: RecordId('venues') });
export const BookingIdParams = obj({ id: RecordId('bookings') });
export const ImportIdParams = obj({ id: RecordId('imports') });
/** A venue spreadsheet read and waiting for confirmation: the report names lines and fields, never values. */
export const VenueImportPreview = obj({
  id: Uuid,
  status: Type.Literal('previewed'),
  validCount: Type.Integer(),
  errorCount: Type.Integer({ description: 'Lines with at least one error' }),
  report: Type.Array(
    obj({
      row: Type.Integer({ description: 'Line in the file (the header is line 1)' }),
      field: Type.String(),
      message: Type.String(),
    }),
  ),
  preview: Type.Array(obj({ name: Type.String(), communeName: Nullable(Type.String()), capacity: Type.Integer() }), {
    description: 'The first 50 valid lines',
  }),
});
export const VenueImportConfirmed = obj({
  id: Uuid,
  status: Type.Literal('confirmed'),
  created: Type.Integer({ description: 'Venues written' }),
});

export const BookingCreateBody = obj({
  venueId: Uuid,
  sessionId: Type.Optional(Uuid),
  startsAt: Type.Optional(Type.String({ format: 'date-time' })),
  endsAt: Type.Optional(Type.String({ format: 'date-time' })),
});
export type BookingCreateBody = Static<typeof BookingCreateBody>;

export const BookingStatus = Type.Union([Type.Literal('option'), Type.Literal('confirmed'), Type.Literal('cancelled')]);
export const BookingView = obj({
  id: Uuid,
  venueId: Uuid,
  venueName: Type.String(),
  sessionId: Nullable(Uuid),
  sessionTitle: Nullable(Type.String()),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  status: BookingStatus,
  costCents: Type.Integer(),
  optionExpiresAt: Nullable(Type.String({ format: 'date-time' })),
});
export const BookingListQuery = obj({
  ...ListQuery,
  venueId: Type.Optional(Uuid),
  sessionId: Type.Optional(Uuid),
  status: Type.Optional(BookingStatus),
});
export const BookingList = obj({ items: Type.Array(BookingView), nextCursor: Nullable(Type.String()) });
