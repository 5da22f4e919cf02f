import { Type, type Static } from '@sinclair/typebox';
import { obj, Uuid, Nullable, Label, RecordId } from '../shared/schema.js';
import { Override } from '../shared/override.js';

export const PAYEE_KINDS = ['participant', 'legal_representative', 'childcare_provider', 'partner'] as const;
export type PayeeKind = (typeof PAYEE_KINDS)[number];

export const PAYEE_KIND_LABELS: Record<PayeeKind, string> = {
  participant: 'La personne elle-même',
  legal_representative: 'Représentant légal',
  childcare_provider: 'Mode de garde (assistante maternelle, crèche…)',
  partner: 'Structure relais ayant avancé les frais',
};

const Kind = Type.Union(PAYEE_KINDS.map((k) => Type.Literal(k)));
// SEPA limits the creditor name to 70 characters.
const Name = Label({ maxLength: 70 });
const Iban = (description: string) => Type.String({ format: 'iban', maxLength: 50, description });
const Bic = Type.String({ format: 'bic', maxLength: 14 });

export const PayeeCreateBody = obj({
  kind: Type.Optional(
    Type.Union(
      PAYEE_KINDS.map((k) => Type.Literal(k)),
      { description: 'Default participant (the name is then the participant’s)' },
    ),
  ),
  name: Type.Optional(Name),
  partnerId: Type.Optional(Type.String({ format: 'uuid', description: 'Required for kind partner' })),
  iban: Type.Optional(Iban('With or without spaces; stored encrypted, never returned except by reveal-iban')),
  bic: Type.Optional(Bic),
  override: Type.Optional(Override),
});
export type PayeeCreateBody = Static<typeof PayeeCreateBody>;

export const PayeePatchBody = obj(
  {
    name: Type.Optional(Nullable(Name)),
    iban: Type.Optional(Iban('Replaces the IBAN')),
    bic: Type.Optional(Nullable(Bic)),
    active: Type.Optional(Type.Boolean()),
    override: Type.Optional(Override),
  },
  { minProperties: 1 },
);
export type PayeePatchBody = Static<typeof PayeePatchBody>;

export const PayeeView = obj({
  id: Uuid,
  participantId: Uuid,
  kind: Kind,
  name: Nullable(
    Type.String({
      description: 'Account holder; for kind participant without a name of its own, the participant’s name',
    }),
  ),
  partnerId: Nullable(Uuid),
  ibanMasked: Nullable(Type.String({ description: 'e.g. FR76 •••• •••• •••• •••• •••0 189' })),
  ibanShared: Type.Boolean({ description: 'The same IBAN is on a payee of another participant' }),
  bic: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type PayeeView = Static<typeof PayeeView>;

export const Warning = obj({ code: Type.String(), message: Type.String() });
export type Warning = Static<typeof Warning>;

export const PayeeResult = obj({ payee: PayeeView, warnings: Type.Array(Warning) });
export const PayeeList = obj({ items: Type.Array(PayeeView) });
export const RevealedIban = obj({ payeeId: Uuid, iban: Type.String({ description: 'Electronic format, no spaces' }) });

export const ParticipantIdParams = obj({ id: RecordId('participants') });
export const PayeeIdParams = obj({ id: RecordId('payees') });
export const ParticipantPayeeParams = obj({ id: RecordId('participants'), payeeId: RecordId('payees') });
