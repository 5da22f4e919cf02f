import { Type, type Static } from '@sinclair/typebox';
import { obj, Uuid, Nullable, ListQuery, Label, FreeText, RecordId } from '../shared/schema.js';

export const SESSION_KINDS = ['workshop', 'committee', 'interview', 'focus_group', 'other'] as const;
export const SESSION_KIND_LABELS: Record<(typeof SESSION_KINDS)[number], string> = {
  workshop: 'Atelier',
  committee: 'Comité',
  interview: 'Entretien',
  focus_group: 'Groupe de discussion',
  other: 'Autre',
};
export const SESSION_STATUS_LABELS = { scheduled: 'Prévue', held: 'Tenue', cancelled: 'Annulée' } as const;
export const PARTICIPATION_STATUSES = [
  'invited',
  'confirmed',
  'declined',
  'attended',
  'absent_excused',
  'absent',
] as const;
export const PARTICIPATION_STATUS_LABELS: Record<(typeof PARTICIPATION_STATUSES)[number], string> = {
  invited: 'Invité·e',
  confirmed: 'A confirmé',
  declined: 'A décliné',
  attended: 'Présent·e',
  absent_excused: 'Absent·e excusé·e',
  absent: 'Absent·e',
};

const lit = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));
const Instant = Type.String({ format: 'date-time' });
const LocalDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$',
  description:
    'Local wall-clock time in the organisation’s zone, without offset (YYYY-MM-DDTHH:MM); a time a DST change skips or repeats is a 400',
});
const Kind = lit(SESSION_KINDS);

const timing = {
  startsAt: Type.Optional(Instant),
  endsAt: Type.Optional(Instant),
  startLocal: Type.Optional(LocalDateTime),
  endLocal: Type.Optional(LocalDateTime),
};

export const SessionCreateBody = obj({
  projectId: Uuid,
  title: Label({ maxLength: 200 }),
  kind: Kind,
  ...timing,
  capacity: Type.Integer({ minimum: 1, maximum: 10000 }),
  mealProvided: Type.Optional(Type.Boolean()),
  childcareOnSite: Type.Optional(Type.Boolean()),
  venueId: Type.Optional(Uuid),
});
export type SessionCreateBody = Static<typeof SessionCreateBody>;

export const SessionPatchBody = obj(
  {
    title: Type.Optional(Label({ maxLength: 200 })),
    kind: Type.Optional(Kind),
    ...timing,
    capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    mealProvided: Type.Optional(Type.Boolean()),
    childcareOnSite: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);
export type SessionPatchBody = Static<typeof SessionPatchBody>;

const Booking = obj({
  id: Uuid,
  venueId: Uuid,
  venueName: Type.String(),
  status: Type.String(),
  costCents: Type.Integer(),
});
export const SessionView = obj({
  id: Uuid,
  projectId: Uuid,
  projectName: Type.String(),
  title: Type.String(),
  kind: Kind,
  startsAt: Instant,
  endsAt: Instant,
  startLocal: Type.String(),
  endLocal: Type.String(),
  status: lit(['scheduled', 'held', 'cancelled'] as const),
  capacity: Type.Integer(),
  mealProvided: Type.Boolean(),
  childcareOnSite: Type.Boolean(),
  booking: Nullable(Booking),
  counts: Type.Record(Type.String(), Type.Integer()),
});

export const SessionListQuery = obj({
  ...ListQuery,
  projectId: Type.Optional(Uuid),
  when: Type.Optional(Type.Union([Type.Literal('upcoming'), Type.Literal('past')])),
  status: Type.Optional(lit(['scheduled', 'held', 'cancelled'] as const)),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
});
export type SessionListQuery = Static<typeof SessionListQuery>;
export const SessionList = obj({ items: Type.Array(SessionView), nextCursor: Nullable(Type.String()) });
export const SessionIdParams = obj({ id: RecordId('sessions') });

export const Override = obj({ reason: FreeText({ minLength: 3, maxLength: 500 }) });
export const InvitationsBody = obj({
  participantIds: Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true }),
  override: Type.Optional(Override),
});
export type InvitationsBody = Static<typeof InvitationsBody>;
export const Warning = obj({ code: Type.String(), message: Type.String(), participantId: Type.Optional(Uuid) });
export const InvitationsResult = obj({
  invited: Type.Array(obj({ participantId: Uuid, channel: lit(['email', 'letter'] as const), messageId: Uuid })),
  /** Not invited: an invitation needs a live contact consent (docs/domain.md#messages-and-their-legal-basis). */
  notContacted: Type.Array(
    obj({
      participantId: Uuid,
      reference: Type.String(),
      name: Type.String(),
      reason: lit(['no_consent'] as const),
      message: Type.String(),
    }),
  ),
  alreadyInvited: Type.Array(Uuid),
  warnings: Type.Array(Warning),
});

export const ReplyBody = obj({ participantId: Uuid, status: lit(['confirmed', 'declined'] as const) });
export type ReplyBody = Static<typeof ReplyBody>;
export const ReplyView = ReplyBody;

export const AttendanceBody = obj({
  entries: Type.Array(
    obj({
      participantId: Uuid,
      status: lit(['attended', 'absent_excused', 'absent'] as const),
      walkIn: Type.Optional(Type.Boolean({ description: 'Informative: anyone not on the list is added as a walk-in' })),
    }),
    { maxItems: 1000 },
  ),
});
export type AttendanceBody = Static<typeof AttendanceBody>;
export const AttendancePersonParams = obj({ id: RecordId('sessions'), participantId: RecordId('participants') });
export const AttendanceMarkBody = obj({ status: lit(['attended', 'absent_excused', 'absent'] as const) });
export type AttendanceMarkBody = Static<typeof AttendanceMarkBody>;
export const ParticipantRow = obj({
  participantId: Uuid,
  reference: Type.String(),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  status: lit(PARTICIPATION_STATUSES),
  walkIn: Type.Boolean(),
  invitedAt: Nullable(Instant),
  repliedAt: Nullable(Instant),
});
export const ParticipantList = obj({ items: Type.Array(ParticipantRow) });
