import { Type } from '@sinclair/typebox';
import { obj, Uuid, Nullable, ListQuery, Email } from '../shared/schema.js';

export const OUTBOX_STATUSES = ['pending', 'sending', 'delivered', 'failed', 'printed', 'withheld'] as const;
export const OutboxStatus = Type.Union(OUTBOX_STATUSES.map((s) => Type.Literal(s)));

export const OutboxQuery = obj({
  ...ListQuery,
  status: Type.Optional(OutboxStatus),
  channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('letter')])),
  sort: Type.Optional(Type.Union([Type.Literal('createdAt'), Type.Literal('-createdAt')])),
});

/** What the outbox list shows: no recipient address or body (personal data stays on the message). */
export const OutboxView = obj({
  id: Uuid,
  messageId: Type.String(),
  channel: Type.String(),
  template: Type.String(),
  /** Its use, declared in the privacy registry (server/privacy/registry/uses.ts). */
  use: Type.String(),
  participantId: Nullable(Uuid),
  status: OutboxStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Type.String({ format: 'date-time' }),
  lastErrorCode: Nullable(Type.String()),
  relatedType: Nullable(Type.String()),
  relatedId: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Nullable(Type.String({ format: 'date-time' })),
});

export const OutboxList = obj({
  items: Type.Array(OutboxView),
  nextCursor: Nullable(Type.String()),
  counts: Type.Record(Type.String(), Type.Integer(), {
    description: 'messages per status, each counted up to 10,001: 10001 means more than 10,000',
  }),
});
export const MarkPrintedBody = obj({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }) });
export const MarkPrintedResult = obj({ printed: Type.Integer({ description: 'Letters marked printed and posted' }) });
export const TestEmailBody = obj({ to: Email });
