import { Type, type Static } from '@sinclair/typebox';
import { CentsUpTo, obj, Uuid, Nullable, ListQuery, FreeText, RecordId } from '../shared/schema.js';
import { Override } from '../shared/override.js';

const lit = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const CLAIM_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'partially_approved',
  'rejected',
  'in_batch',
  'paid',
  'cancelled',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export const CLAIM_STATUS_LABELS: Record<ClaimStatus, string> = {
  draft: 'Brouillon',
  submitted: 'À instruire',
  approved: 'Acceptée',
  partially_approved: 'Acceptée en partie',
  rejected: 'Refusée',
  in_batch: 'Dans un lot de paiement',
  paid: 'Payée',
  cancelled: 'Annulée',
};

export const LINE_KINDS = [
  'public_transport',
  'mileage',
  'motorbike',
  'moped',
  'taxi',
  'childcare',
  'meal',
  'night',
  'allowance',
] as const;
export const LINE_KIND_LABELS: Record<(typeof LINE_KINDS)[number], string> = {
  public_transport: 'Transports en commun',
  mileage: 'Voiture (indemnités kilométriques)',
  motorbike: 'Moto',
  moped: 'Cyclomoteur',
  taxi: 'Taxi ou transport adapté',
  childcare: 'Garde d’enfants',
  meal: 'Repas',
  night: 'Nuitée',
  allowance: 'Indemnité de participation',
};

export const CLAIM_FLAGS = [
  'missing_receipt',
  'late',
  'over_cap',
  'reused_receipt',
  'taxi',
  'advance_to_settle',
  'not_eligible',
  'no_payee',
  'attendance_override',
  'advance_settlement',
  'payment_rejected',
  'batch_voided',
] as const;
export const CLAIM_FLAG_LABELS: Record<(typeof CLAIM_FLAGS)[number], string> = {
  missing_receipt: 'Justificatif manquant',
  late: 'Hors délai',
  over_cap: 'Au-dessus du plafond',
  reused_receipt: 'Justificatif déjà utilisé',
  taxi: 'Taxi (exceptionnel)',
  advance_to_settle: 'Avance à régulariser',
  not_eligible: 'Non éligible',
  no_payee: 'Bénéficiaire à choisir',
  attendance_override: 'Présence non enregistrée (dérogation)',
  advance_settlement: 'Régularisation d’avance',
  payment_rejected: 'Paiement rejeté par la banque',
  batch_voided: 'Lot de paiement annulé après export',
};

export const REASON_CODES = ['over_cap', 'no_receipt', 'not_attended', 'duplicate', 'not_eligible', 'other'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
/** Reasons in plain French, as the decision letter states them. */
export const REASON_LABELS: Record<ReasonCode, string> = {
  over_cap: 'le montant dépasse le plafond prévu par le barème',
  no_receipt: 'le justificatif (ticket, facture) manque',
  not_attended: 'votre présence à la rencontre n’est pas enregistrée',
  duplicate: 'cette dépense a déjà été remboursée ou demandée',
  not_eligible: 'cette dépense n’est pas prise en charge',
  other: 'autre motif (voir la précision)',
};

const Cents = CentsUpTo(10_000_000, 'Integer cents');

export const LineInputSchema = obj({
  kind: lit(LINE_KINDS),
  travelDate: Type.Optional(Type.String({ format: 'date', description: 'Default: the day of the first session' })),
  amountCents: Type.Optional(Cents),
  distanceDeciKm: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 50_000, description: 'Tenths of a km (42,5 km = 425)' }),
  ),
  fiscalPower: Type.Optional(lit(['cv_5_or_less', 'cv_6_7', 'cv_8_or_more'] as const)),
  childcareQuarterHours: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 96, description: 'Quarter-hours in one day (2 h 30 = 10; at most 24 h)' }),
  ),
  nightLocation: Type.Optional(lit(['standard', 'big_city', 'paris'] as const)),
  reducedMobility: Type.Optional(Type.Boolean()),
  lodgedFree: Type.Optional(Type.Boolean()),
  forCompanion: Type.Optional(Type.Boolean()),
  hasReceipt: Type.Optional(Type.Boolean()),
  receiptId: Type.Optional(Uuid),
});
export type LineInputBody = Static<typeof LineInputSchema>;

const Instant = Type.String({ format: 'date-time' });

export const ClaimCreateBody = obj({
  participantId: Uuid,
  payeeId: Type.Optional(Uuid),
  sessionIds: Type.Array(Uuid, { minItems: 1, maxItems: 20, uniqueItems: true }),
  isAdvance: Type.Optional(Type.Boolean()),
  departureAt: Type.Optional(Instant),
  returnAt: Type.Optional(Instant),
  lines: Type.Array(LineInputSchema, { maxItems: 50 }),
  submit: Type.Optional(Type.Boolean({ description: 'Submit at once (a paper form entered by staff)' })),
  override: Type.Optional(Override),
});
export type ClaimCreateBody = Static<typeof ClaimCreateBody>;

export const ClaimPatchBody = obj(
  {
    payeeId: Type.Optional(Uuid),
    departureAt: Type.Optional(Instant),
    returnAt: Type.Optional(Instant),
    lines: Type.Optional(Type.Array(LineInputSchema, { maxItems: 50 })),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The version read; a stale one is a 409 claim_changed' }),
    ),
  },
  { minProperties: 1 },
);
export type ClaimPatchBody = Static<typeof ClaimPatchBody>;

export const LineDecision = obj({
  lineId: Uuid,
  grantedCents: Cents,
  reasonCode: Type.Optional(lit(REASON_CODES)),
  reasonNote: Type.Optional(FreeText({ maxLength: 1000 })),
  receiptReuseAcknowledged: Type.Optional(Type.Boolean()),
});
export const DecisionBody = obj({
  lines: Type.Array(LineDecision, { maxItems: 50 }),
  note: Type.Optional(FreeText({ maxLength: 2000 })),
  override: Type.Optional(Override),
});
export type DecisionBody = Static<typeof DecisionBody>;

export const BulkApproveBody = obj({ claimIds: Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true }) });
export const CancelBody = obj({ reasonNote: Type.Optional(FreeText({ maxLength: 500 })) });
export const SettleBody = obj({
  lines: Type.Array(LineInputSchema, { maxItems: 50 }),
  departureAt: Type.Optional(Instant),
  returnAt: Type.Optional(Instant),
});
export type SettleBody = Static<typeof SettleBody>;
export const ReceiptFields = obj({
  amountCents: Type.String({ pattern: '^[0-9]{1,8}$', description: 'Amount on the receipt, integer cents' }),
  lineId: Type.Optional(Uuid),
});

export const ClaimIdParams = obj({ id: RecordId('claims') });
export const ClaimReceiptParams = obj({ id: RecordId('claims'), receiptId: RecordId('claim_receipts') });
export const ClaimListQuery = obj({
  ...ListQuery,
  status: Type.Optional(lit(CLAIM_STATUSES)),
  flag: Type.Optional(lit(CLAIM_FLAGS)),
  projectId: Type.Optional(Uuid),
  sessionId: Type.Optional(Uuid),
  participantId: Type.Optional(Uuid),
  olderThanDays: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,4}$', description: 'Only claims created at least this many days ago' }),
  ),
  advancesToSettle: Type.Optional(lit(['true', 'false'] as const)),
  counts: Type.Optional(
    Type.Union([Type.Literal('true'), Type.Literal('false')], {
      description: 'Also count the claims per status (same filters)',
    }),
  ),
  sort: Type.Optional(
    Type.String({ maxLength: 20, description: 'createdAt, reference, amount (prefix - for descending)' }),
  ),
});
export type ClaimListQuery = Static<typeof ClaimListQuery>;
export const ClaimFormQuery = obj({ participantId: Type.Optional(Uuid) });

const Warning = obj({ code: Type.String(), message: Type.String() });
const LineView = obj({
  id: Uuid,
  position: Type.Integer(),
  kind: Type.String(),
  travelDate: Type.String(),
  category: Type.String(),
  input: Type.Record(Type.String(), Type.Unknown()),
  requestedCents: Type.Integer(),
  eligibleCents: Type.Integer(),
  explanation: Type.String(),
  rule: Type.String(),
  flags: Type.Array(Type.String()),
  grantedCents: Nullable(Type.Integer()),
  reasonCode: Nullable(Type.String()),
  reasonNote: Nullable(Type.String()),
  priorMileageDeciKm: Nullable(Type.Integer()),
  receiptId: Nullable(Uuid),
  receiptReuseAcknowledged: Type.Boolean(),
  reusedWith: Type.Array(obj({ claimId: Uuid, reference: Type.String(), lineId: Uuid })),
});
const ReceiptView = obj({
  id: Uuid,
  fileId: Uuid,
  sha256: Type.String(),
  mediaType: Type.String(),
  amountCents: Type.Integer(),
  url: Type.String(),
});
export const ClaimView = obj({
  id: Uuid,
  reference: Type.String(),
  status: lit(CLAIM_STATUSES),
  participantId: Uuid,
  participantReference: Type.String(),
  payeeId: Nullable(Uuid),
  projectId: Uuid,
  sessionIds: Type.Array(Uuid),
  isAdvance: Type.Boolean(),
  advanceOfClaimId: Nullable(Uuid),
  departureAt: Instant,
  returnAt: Instant,
  submittedAt: Nullable(Instant),
  decidedAt: Nullable(Instant),
  decidedBy: Nullable(Uuid),
  enteredBy: Nullable(Uuid),
  flags: Type.Array(Type.String()),
  late: Type.Boolean(),
  amountRequestedCents: Type.Integer(),
  amountEligibleCents: Type.Integer(),
  amountGrantedCents: Nullable(Type.Integer()),
  amountToPayCents: Nullable(Type.Integer()),
  toRecoverCents: Type.Integer(),
  decisionReasonCode: Nullable(Type.String()),
  version: Type.Integer(),
  createdAt: Instant,
  lines: Type.Array(LineView),
  receipts: Type.Array(ReceiptView),
  warnings: Type.Array(Warning),
});
export const ClaimSummary = obj({
  id: Uuid,
  reference: Type.String(),
  status: lit(CLAIM_STATUSES),
  participantId: Uuid,
  participantReference: Type.String(),
  projectId: Uuid,
  isAdvance: Type.Boolean(),
  flags: Type.Array(Type.String()),
  amountRequestedCents: Type.Integer(),
  amountEligibleCents: Type.Integer(),
  amountGrantedCents: Nullable(Type.Integer()),
  toRecoverCents: Type.Integer(),
  createdAt: Instant,
  submittedAt: Nullable(Instant),
});
export const ClaimList = obj({
  items: Type.Array(ClaimSummary),
  nextCursor: Nullable(Type.String()),
  counts: Type.Optional(Type.Record(Type.String(), Type.Integer())),
});
export const BulkResult = obj({
  approved: Type.Array(Uuid),
  skipped: Type.Array(obj({ claimId: Uuid, reason: Type.String() })),
});
export const YearlyTotals = obj({
  participantId: Uuid,
  year: Type.Integer(),
  refundsCents: Type.Integer(),
  allowancesCents: Type.Integer(),
  warnings: Type.Array(Warning),
});
