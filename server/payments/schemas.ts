import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { Override } from '../shared/override.js';
import { Cents, Nullable, ListQuery, obj, Uuid, FreeText, RecordId } from '../shared/schema.js';

const lit = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;

export const BATCH_STATUSES = ['open', 'exported', 'paid', 'cancelled', 'voided'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const BATCH_STATUS_LABELS: Record<BatchStatus, string> = {
  open: 'Ouvert',
  exported: 'Exporté',
  paid: 'Payé',
  cancelled: 'Annulé',
  voided: 'Annulé après export',
};
export const BATCH_KINDS = ['transfer', 'cash'] as const;
export const BATCH_KIND_LABELS: Record<(typeof BATCH_KINDS)[number], string> = {
  transfer: 'Virements',
  cash: 'Espèces ou chèques (régie)',
};
export const PAYMENT_STATUS_LABELS: Record<string, string> = {
  pending: 'À payer',
  paid: 'Payé',
  rejected: 'Rejeté par la banque',
};

/** ISO 20022 return reasons a bank gives most often for a rejected transfer. */
export const REJECT_REASONS = [
  'AC01',
  'AC04',
  'AC06',
  'AG01',
  'AM05',
  'BE04',
  'MD07',
  'MS02',
  'MS03',
  'RC01',
  'RR01',
  'FF01',
] as const;
export const REJECT_REASON_LABELS: Record<(typeof REJECT_REASONS)[number], string> = {
  AC01: 'IBAN incorrect',
  AC04: 'Compte clôturé',
  AC06: 'Compte bloqué',
  AG01: 'Opération interdite sur ce compte',
  AM05: 'Doublon',
  BE04: 'Adresse du bénéficiaire manquante',
  MD07: 'Titulaire décédé',
  MS02: 'Refus du bénéficiaire',
  MS03: 'Motif non précisé par la banque',
  RC01: 'BIC incorrect',
  RR01: 'Données réglementaires manquantes',
  FF01: 'Format de fichier invalide',
};

export const BatchCreateBody = obj(
  {
    kind: Type.Optional(lit(BATCH_KINDS)),
    claimIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 5000 })),
    projectId: Type.Optional(Uuid),
    sessionId: Type.Optional(Uuid),
    decidedBefore: Type.Optional(Type.String({ format: 'date', description: 'claims decided before this local date' })),
    advancesOnly: Type.Optional(Type.Boolean()),
    override: Type.Optional(Override),
  },
  { description: 'Either claimIds, or filters (none: every payable claim)' },
);
export type BatchCreateBody = Static<typeof BatchCreateBody>;

export const BatchIdParams = obj({ id: RecordId('payment_batches') });
export const PaymentIdParams = obj({ id: RecordId('payments') });
export const MarkPaidBody = obj({ paymentIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 5000 })) });
export const RejectBody = obj({ reasonCode: lit(REJECT_REASONS) });
export const VoidBody = obj({ reason: FreeText({ minLength: 3, maxLength: 500 }) });
export const EmptyBody = obj({});
export const BatchListQuery = obj({
  ...ListQuery,
  status: Type.Optional(lit(BATCH_STATUSES)),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
});
export const CertificateParams = obj({ id: RecordId('participants'), year: Type.String({ pattern: '^20[0-9]{2}$' }) });
export const CertificateQuery = obj({ kind: lit(['refund', 'allowance'] as const) });

const PaymentView = obj({
  id: Uuid,
  position: Type.Integer(),
  participantId: Uuid,
  payeeId: Nullable(Uuid),
  amountCents: Cents,
  endToEndId: Type.String(),
  status: Type.String(),
  rejectedReasonCode: Nullable(Type.String()),
  paidAt: Nullable(Type.String()),
  claims: Type.Array(obj({ id: Uuid, reference: Type.String(), amountCents: Cents, voided: Type.Boolean() })),
});
export const BatchSummary = obj({
  id: Uuid,
  reference: Type.String(),
  status: lit(BATCH_STATUSES),
  kind: lit(BATCH_KINDS),
  fileFormat: Nullable(Type.String()),
  totalCents: Cents,
  paymentCount: Type.Integer(),
  createdAt: Type.String(),
  exportedAt: Nullable(Type.String()),
  paidAt: Nullable(Type.String()),
  cancelledAt: Nullable(Type.String()),
  voidedAt: Nullable(Type.String()),
});
export const BatchView = obj({
  ...BatchSummary.properties,
  voidReason: Nullable(Type.String()),
  payments: Type.Array(PaymentView),
  skipped: Type.Optional(Type.Record(Type.String(), Type.Integer())),
});
export const BatchList = obj({ items: Type.Array(BatchSummary), nextCursor: Nullable(Type.String()) });
export type BatchViewT = Static<typeof BatchView>;
