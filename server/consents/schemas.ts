import { Type, type Static } from '@sinclair/typebox';
import { obj, Uuid, Nullable, Label, FreeText, RecordId } from '../shared/schema.js';

export const CHANNELS = ['paper', 'oral', 'online'] as const;
export const WITHDRAWAL_CHANNELS = ['paper', 'oral', 'online', 'email', 'phone'] as const;
export const LEGAL_BASES = ['consent', 'public_task', 'legal_obligation'] as const;
export const CONSENT_STATUSES = ['live', 'expired', 'withdrawn', 'superseded'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const CHANNEL_LABELS: Record<(typeof WITHDRAWAL_CHANNELS)[number], string> = {
  paper: 'Papier signé',
  oral: 'Oral, devant un témoin',
  online: 'En ligne',
  email: 'Par e-mail',
  phone: 'Par téléphone',
};
export const LEGAL_BASIS_LABELS: Record<LegalBasis, string> = {
  consent: 'Consentement',
  public_task: 'Mission de service public',
  legal_obligation: 'Obligation légale',
};
export const STATUS_LABELS: Record<ConsentStatus, string> = {
  live: 'En cours',
  expired: 'Expiré',
  withdrawn: 'Retiré',
  superseded: 'Remplacé',
};

const literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  );
const LocalDate = (description?: string) => Type.String({ format: 'date', ...(description ? { description } : {}) });
export const PurposeCode = Type.String({ pattern: '^[a-z_]{2,40}$' });

export const ConsentCreateBody = obj({
  purposeCode: PurposeCode,
  channel: literals(CHANNELS),
  witnessUserId: Type.Optional(
    Type.String({ format: 'uuid', description: 'Required for oral consents: an active staff member' }),
  ),
  givenOn: LocalDate('Not in the future'),
  expiresOn: Type.Optional(LocalDate('Default: givenOn + the purpose’s validity')),
});
export type ConsentCreateBody = Static<typeof ConsentCreateBody>;

export const ConsentWithdrawBody = obj({
  withdrawnOn: Type.Optional(LocalDate('Default: today; not in the future, not before the consent')),
  channel: literals(WITHDRAWAL_CHANNELS),
});
export type ConsentWithdrawBody = Static<typeof ConsentWithdrawBody>;

export const ConsentView = obj({
  id: Uuid,
  participantId: Uuid,
  purposeCode: Type.String(),
  purposeLabel: Type.String(),
  legalBasis: literals(LEGAL_BASES),
  textVersion: Type.Integer(),
  channel: literals(CHANNELS),
  witnessUserId: Nullable(Uuid),
  witnessName: Nullable(Type.String()),
  givenOn: Type.String({ format: 'date' }),
  expiresOn: Nullable(Type.String({ format: 'date' })),
  status: literals(CONSENT_STATUSES),
  withdrawnOn: Nullable(Type.String({ format: 'date' })),
  withdrawalChannel: Nullable(literals(WITHDRAWAL_CHANNELS)),
  supersededBy: Nullable(Uuid),
  hasEvidence: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ConsentView = Static<typeof ConsentView>;

export const ConsentList = obj({ items: Type.Array(ConsentView) });
export const ConsentRecorded = obj({ consent: ConsentView, supersededConsentId: Nullable(Uuid) });

export const PurposeView = obj({
  code: Type.String(),
  label: Type.String(),
  text: Type.String(),
  legalBasis: literals(LEGAL_BASES),
  specialCategory: Type.Boolean(),
  textVersion: Type.Integer(),
  validityMonths: Nullable(Type.Integer()),
  active: Type.Boolean(),
  position: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type PurposeView = Static<typeof PurposeView>;
export const PurposeList = obj({ items: Type.Array(PurposeView) });

export const PurposePatchBody = obj(
  {
    label: Type.Optional(Label({ maxLength: 200 })),
    text: Type.Optional(FreeText({ minLength: 1, maxLength: 4000, description: 'A change raises the text version' })),
    legalBasis: Type.Optional(literals(LEGAL_BASES)),
    specialCategory: Type.Optional(Type.Boolean()),
    validityMonths: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 120 }))),
    active: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);
export type PurposePatchBody = Static<typeof PurposePatchBody>;

export const ParticipantIdParams = obj({ id: RecordId('participants') });
export const ConsentIdParams = obj({ id: RecordId('consents') });
export const WithdrawParams = obj({ id: RecordId('participants'), consentId: RecordId('consents') });
// Any short string: an unknown code is a 404, not a 400 on the path.
export const PurposeCodeParams = obj({ code: Type.String({ minLength: 1, maxLength: 60 }) });
