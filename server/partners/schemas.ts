import { Type, type Static } from '@sinclair/typebox';
import { obj, Email, Uuid, Nullable, ListQuery, Label, FreeText, RecordId } from '../shared/schema.js';

export const PARTNER_KINDS = ['association', 'public_service', 'company', 'other'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];
export const PARTNER_KIND_LABELS: Record<PartnerKind, string> = {
  association: 'Association',
  public_service: 'Service public (CCAS, mission locale…)',
  company: 'Entreprise',
  other: 'Autre',
};

const PartnerKind = Type.Union(PARTNER_KINDS.map((k) => Type.Literal(k)));
const Text = (maxLength: number) => Type.Optional(Nullable(Label({ minLength: 0, maxLength })));

const partnerFields = {
  kind: Type.Optional(PartnerKind),
  contactName: Text(200),
  email: Type.Optional(Nullable(Email)),
  phone: Text(30),
  addressLine1: Text(200),
  postalCode: Text(10),
  communeInsee: Text(5),
  notes: Type.Optional(Nullable(FreeText({ maxLength: 2000 }))),
  active: Type.Optional(Type.Boolean()),
};

export const PartnerCreateBody = obj({ name: Label({ maxLength: 200 }), ...partnerFields });
export type PartnerCreateBody = Static<typeof PartnerCreateBody>;

export const PartnerPatchBody = obj(
  { name: Type.Optional(Label({ maxLength: 200 })), ...partnerFields },
  { minProperties: 1 },
);
export type PartnerPatchBody = Static<typeof PartnerPatchBody>;

const OptionalText = Type.Optional(Nullable(Type.String()));
export const PartnerView = obj({
  id: Uuid,
  name: Type.String(),
  kind: PartnerKind,
  contactName: OptionalText,
  email: OptionalText,
  phone: OptionalText,
  addressLine1: Nullable(Type.String()),
  postalCode: Nullable(Type.String()),
  communeInsee: Nullable(Type.String()),
  communeName: Nullable(Type.String()),
  notes: OptionalText,
  active: Type.Boolean(),
  participantCount: Type.Integer({ description: 'Active participants referred by this partner' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const PartnerListQuery = obj({
  ...ListQuery,
  q: Type.Optional(Type.String({ maxLength: 100 })),
  active: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  sort: Type.Optional(Type.String({ maxLength: 20, description: 'name, -name, createdAt, -createdAt' })),
});
export type PartnerListQuery = Static<typeof PartnerListQuery>;

export const PartnerList = obj({ items: Type.Array(PartnerView), nextCursor: Nullable(Type.String()) });
export const PartnerIdParams = obj({ id: RecordId('partners') });
