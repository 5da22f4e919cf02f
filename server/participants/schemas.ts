import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { obj, Email, Uuid, Nullable, ListQuery, Label, FreeText, RecordId } from '../shared/schema.js';
import { Override } from '../shared/override.js';

export const CIVILITIES = ['mme', 'm', 'mx'] as const;
export const CHANNELS = ['email', 'phone', 'letter', 'partner'] as const;
export const NEEDS = [
  'step_free_access',
  'hearing_loop',
  'sign_language',
  'large_print',
  'childcare',
  'accompanying_person',
  'other',
] as const;
export const AGE_BANDS = ['16-24', '25-29', '30-44', '45-59', '60-74', '75+'] as const;
export const ACTIVITIES = ['in_work', 'job_seeker', 'student', 'retired', 'other'] as const;
export const HOUSEHOLDS = ['single', 'couple', 'with_children', 'single_parent'] as const;
export const STATUSES = ['active', 'archived', 'anonymised'] as const;
export type Channel = (typeof CHANNELS)[number];
export type Need = (typeof NEEDS)[number];

const oneOf = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;
const Text = (maxLength: number) => Type.Optional(Nullable(Label({ minLength: 0, maxLength })));
const LocalDate = Type.String({ format: 'date' });

/** Every field a person may give; the same for creation and change (all optional in a PATCH). */
const participantFields = {
  civility: Type.Optional(Nullable(oneOf(CIVILITIES))),
  email: Type.Optional(Nullable(Email)),
  phone: Text(30),
  addressLine1: Text(200),
  addressLine2: Text(200),
  postalCode: Text(10),
  communeInsee: Type.Optional(
    Nullable(
      Label({ minLength: 0, maxLength: 5, description: 'INSEE code; the commune name is resolved by the server' }),
    ),
  ),
  preferredChannel: Type.Optional(oneOf(CHANNELS)),
  partnerId: Type.Optional(Nullable(Uuid)),
  isMinor: Type.Optional(Type.Boolean()),
  guardianName: Text(200),
  guardianEmail: Type.Optional(Nullable(Email)),
  guardianPhone: Text(30),
  guardianConsentOn: Type.Optional(Nullable(LocalDate)),
  needs: Type.Optional(
    Type.Array(oneOf(NEEDS), {
      uniqueItems: true,
      description: 'Needs a live `needs` consent (special-category data)',
    }),
  ),
  needsNote: Type.Optional(Nullable(FreeText({ maxLength: 500 }))),
  profileAgeBand: Type.Optional(Nullable(oneOf(AGE_BANDS))),
  profileActivity: Type.Optional(Nullable(oneOf(ACTIVITIES))),
  profileHousehold: Type.Optional(Nullable(oneOf(HOUSEHOLDS))),
  profileCommuneInsee: Type.Optional(Nullable(Label({ minLength: 0, maxLength: 5 }))),
};

const Name = Label({ maxLength: 100 });

export const ParticipantCreateBody = obj({
  firstName: Name,
  lastName: Name,
  ...participantFields,
  override: Type.Optional(Override),
});
export type ParticipantCreateBody = Static<typeof ParticipantCreateBody>;

export const ParticipantPatchBody = obj(
  { firstName: Type.Optional(Name), lastName: Type.Optional(Name), ...participantFields },
  { minProperties: 1 },
);
export type ParticipantPatchBody = Static<typeof ParticipantPatchBody>;

const Str = Type.Optional(Nullable(Type.String()));
/** What a response may hold; which fields appear depends on the reader's roles (see policy.ts). */
export const ParticipantView = obj({
  id: Uuid,
  reference: Type.String({ examples: ['P-2026-00042'] }),
  status: oneOf(STATUSES),
  mergedIntoId: Type.Optional(Nullable(Uuid)),
  partnerId: Type.Optional(Nullable(Uuid)),
  partnerName: Str,
  communeInsee: Str,
  communeName: Str,
  civility: Str,
  firstName: Str,
  lastName: Str,
  isMinor: Type.Optional(Type.Boolean()),
  guardianName: Str,
  addressLine1: Str,
  addressLine2: Str,
  postalCode: Str,
  email: Str,
  phone: Str,
  preferredChannel: Type.Optional(oneOf(CHANNELS)),
  guardianEmail: Str,
  guardianPhone: Str,
  guardianConsentOn: Str,
  lastContactAt: Type.Optional(Type.String({ format: 'date-time' })),
  needs: Type.Optional(Type.Array(oneOf(NEEDS))),
  needsNote: Str,
  profileAgeBand: Str,
  profileActivity: Str,
  profileHousehold: Str,
  profileCommuneInsee: Str,
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  updatedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export const ParticipantListQuery = obj({
  ...ListQuery,
  q: Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'Name, reference, e-mail, phone, commune or partner (as far as the reader may see them)',
    }),
  ),
  partnerId: Type.Optional(Uuid),
  status: Type.Optional(oneOf(STATUSES)),
  communeInsee: Type.Optional(Type.String({ maxLength: 5 })),
  hasNeeds: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  sort: Type.Optional(
    Type.String({ maxLength: 20, description: 'lastName, -lastName, createdAt, -createdAt, reference, -reference' }),
  ),
});
export type ParticipantListQuery = Static<typeof ParticipantListQuery>;

export const ParticipantList = obj({ items: Type.Array(ParticipantView), nextCursor: Nullable(Type.String()) });
export const ParticipantIdParams = obj({ id: RecordId('participants') });

export const MergeBody = obj({ sourceId: Uuid });
export type MergeBody = Static<typeof MergeBody>;
export const MergeResult = obj({
  kept: ParticipantView,
  sourceId: Uuid,
  moved: obj({ consents: Type.Integer(), payees: Type.Integer(), privacyRequests: Type.Integer() }),
});

export const ImportUploadBody = obj({
  mapping: Type.Optional(
    FreeText({
      maxLength: 10_000,
      description:
        'JSON object {"column header in the file": "field" | null}; fields: civility, lastName, firstName, email, phone, addressLine1, addressLine2, postalCode, communeName, communeInsee, preferredChannel, partner, isMinor, guardianName, guardianEmail, guardianPhone',
    }),
  ),
});
export const ImportIdParams = obj({ id: RecordId('imports') });
const ImportError = obj({
  row: Type.Integer({ description: 'Line in the file (the header is line 1)' }),
  field: Type.String(),
  message: Type.String(),
});
export const ImportView = obj({
  importId: Uuid,
  status: oneOf(['previewed', 'confirmed', 'cancelled', 'expired'] as const),
  validCount: Type.Integer(),
  errorCount: Type.Integer({ description: 'Rows with at least one error' }),
  errors: Type.Array(ImportError),
  columns: Type.Array(obj({ header: Type.String(), field: Nullable(Type.String()) })),
  preview: Type.Array(Type.Object({ row: Type.Integer() }), { description: 'The first 20 valid rows' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
export const ImportConfirmed = obj({ importId: Uuid, status: Type.Literal('confirmed'), createdCount: Type.Integer() });
export const ImportCancelled = obj({ importId: Uuid, status: oneOf(['cancelled', 'expired'] as const) });
