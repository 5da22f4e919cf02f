import { Type } from '@sinclair/typebox';
import { obj, Nullable, ListQuery, Uuid } from '../shared/schema.js';

export const AuditQuery = obj({
  ...ListQuery,
  action: Type.Optional(Type.String({ maxLength: 100 })),
  recordType: Type.Optional(Type.String({ maxLength: 100 })),
  recordId: Type.Optional(Type.String({ maxLength: 100 })),
  actorUserId: Type.Optional(Uuid),
  from: Type.Optional(Type.String({ format: 'date' })),
  to: Type.Optional(Type.String({ format: 'date' })),
  sort: Type.Optional(Type.Union([Type.Literal('occurredAt'), Type.Literal('-occurredAt')])),
});

export const AuditEventView = obj({
  id: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  actorUserId: Nullable(Type.String()),
  actorTokenId: Nullable(Type.String()),
  action: Type.String(),
  recordType: Nullable(Type.String()),
  recordId: Nullable(Type.String()),
  reasonCode: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  seq: Nullable(Type.Integer()),
});

export const AuditList = obj({
  items: Type.Array(AuditEventView),
  nextCursor: Nullable(Type.String()),
  head: Nullable(obj({ seq: Type.Integer(), hash: Type.String() })),
});

export const ChainReportView = obj({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  headSeq: Nullable(Type.Integer()),
  headHash: Nullable(Type.String()),
  firstBroken: Nullable(obj({ seq: Type.Integer(), eventId: Type.Integer(), reason: Type.String() })),
  unsealed: Type.Integer(),
  keyedFromSeq: Nullable(Type.Integer()),
  epoch: Type.Integer(),
  lastSigned: Nullable(
    obj({
      type: Type.Union([Type.Literal('checkpoint'), Type.Literal('epoch')]),
      epoch: Type.Integer(),
      seq: Type.Integer(),
      hash: Type.String(),
      signedAt: Type.String({ format: 'date-time' }),
    }),
  ),
  checkpointProblem: Nullable(Type.String()),
});

/** The signed checkpoint file handed to the DPO (checkpoints.ts `signPayload`): a document kept outside the service. */
export const SignedCheckpointFile = Type.Object(
  {
    payload: Type.Object(
      { type: Type.Union([Type.Literal('checkpoint'), Type.Literal('epoch')]), epoch: Type.Integer() },
      { description: 'what is signed (canonical JSON)' },
    ),
    algorithm: Type.Literal('Ed25519'),
    signature: Type.String({ description: 'base64' }),
    publicKeyFingerprint: Type.String(),
  },
  { additionalProperties: false },
);
