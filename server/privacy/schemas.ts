import { Type, type Static } from '@sinclair/typebox';
import { obj, Uuid, Nullable, ListQuery, FreeText, RecordId } from '../shared/schema.js';
import { JobView } from '../jobs/index.js';

export const REQUEST_KINDS = ['access', 'rectification', 'erasure', 'objection'] as const;
export const REQUEST_CHANNELS = ['mail', 'email', 'phone', 'in_person', 'partner'] as const;
/** How a request ended; `refused_*` close it as refused. */
export const OUTCOME_CODES = [
  'answered',
  'data_exported',
  'rectified',
  'anonymised',
  'archived_legal_retention',
  'objection_upheld',
  'refused_unfounded',
  'refused_identity_unverified',
  'refused_other',
] as const;
/** Why a person's data is erased. */
export const ERASURE_REASONS = [
  'erasure_request',
  'consent_withdrawn',
  'objection',
  'purpose_ended',
  'unlawful_processing',
] as const;

export type RequestKind = (typeof REQUEST_KINDS)[number];
export type OutcomeCode = (typeof OUTCOME_CODES)[number];
export type ErasureReason = (typeof ERASURE_REASONS)[number];

/** One of a list of codes (the TypeScript type stays `string`; use cases narrow it). */
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Day = Type.String({ format: 'date' });
const Note = FreeText({ maxLength: 2000 });

export const RequestCreateBody = obj({
  participantId: Nullable(Uuid),
  kind: literals(REQUEST_KINDS),
  receivedOn: Day,
  channel: literals(REQUEST_CHANNELS),
  note: Type.Optional(Nullable(Note)),
});
export type RequestCreateBody = Static<typeof RequestCreateBody> & {
  kind: RequestKind;
  channel: (typeof REQUEST_CHANNELS)[number];
};

export const RequestCompleteBody = obj({
  outcomeCode: literals(OUTCOME_CODES),
  outcomeNote: Type.Optional(Nullable(Note)),
});
export type RequestCompleteBody = Static<typeof RequestCompleteBody> & { outcomeCode: OutcomeCode };

export const RequestListQuery = obj({
  ...ListQuery,
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('completed'), Type.Literal('refused')])),
  kind: Type.Optional(literals(REQUEST_KINDS)),
  participantId: Type.Optional(Uuid),
  sort: Type.Optional(Type.Union(['dueOn', '-dueOn', 'receivedOn', '-receivedOn'].map((s) => Type.Literal(s)))),
});

export const RequestView = obj({
  id: Uuid,
  reference: Type.String(),
  participantId: Nullable(Uuid),
  participantReference: Nullable(Type.String()),
  kind: Type.String(),
  receivedOn: Day,
  channel: Type.String(),
  requesterNote: Nullable(Type.String()),
  dueOn: Day,
  overdue: Type.Boolean(),
  status: Type.String(),
  outcomeCode: Nullable(Type.String()),
  outcomeNote: Nullable(Type.String()),
  completedOn: Nullable(Day),
  createdAt: Type.String({ format: 'date-time' }),
});
export const RequestList = obj({ items: Type.Array(RequestView), nextCursor: Nullable(Type.String()) });
export const ParticipantIdParams = obj({ id: RecordId('participants') });
export const RequestIdParams = obj({ id: RecordId('privacy_requests') });
export const RunIdParams = obj({ id: RecordId('jobs') });

export const EraseBody = obj({
  requestId: Type.Optional(Nullable(Uuid)),
  reasonCode: literals(ERASURE_REASONS),
});
export type EraseBody = Static<typeof EraseBody> & { reasonCode: ErasureReason };

export const EraseResult = obj({
  participantId: Uuid,
  reference: Type.String(),
  status: Type.String(),
  outcome: Type.Union([Type.Literal('anonymised'), Type.Literal('archived')]),
  erased: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
  files: Type.Record(Type.String(), Type.Integer(), {
    description:
      'Files the product wrote about the person and deleted now, per kind (mail_files: .eml copies of messages)',
  }),
  request: Nullable(RequestView),
});

export const ExportQuery = obj({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pdf'), Type.Literal('zip')])),
});
export const RegisterQuery = obj({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pdf'), Type.Literal('csv')])),
});

export const RunBody = obj({ mode: Type.Union([Type.Literal('dry_run'), Type.Literal('apply')]) });

/** A retention run: the job with its mode and what started it. */
export const RunView = obj({ ...JobView.properties, mode: Type.String(), trigger: Type.String() });

export const RetentionOverview = obj({
  asOf: Type.String({ format: 'date-time' }),
  policy: obj({
    activeYearsAfterLastContact: Type.Integer(),
    archiveYearsAfterLastPayment: Type.Integer(),
    dailyRun: Type.Boolean(),
  }),
  due: obj({ archive: Type.Integer(), anonymise: Type.Integer(), anonymiseFromArchive: Type.Integer() }),
  upcoming: Type.Array(obj({ month: Type.String(), count: Type.Integer() })),
  upcomingComputedAt: Type.String({
    format: 'date-time',
    description: 'when `upcoming` was computed: in the background every 30 minutes (it reads every person due soon)',
  }),
  runs: Type.Array(RunView),
});

/**
 * The record of processing activities as JSON (register.ts `buildRegister`): a document laid
 * out for the DPO; its parts are described by the register itself.
 */
export const RegisterDocument = Type.Object(
  {
    generatedAt: Type.String({ format: 'date-time' }),
    controller: Type.Object({}),
    dpo: Type.Unknown(),
    retention: Type.Object({}),
    consentPurposes: Type.Array(Type.Object({ code: Type.String(), label: Type.String() })),
    activities: Type.Array(Type.Object({ purpose: Type.String(), name: Type.String() })),
    messageUses: Type.Array(Type.Unknown()),
    documents: Type.Array(Type.Unknown()),
    securityMeasures: Type.Array(Type.Unknown()),
  },
  { additionalProperties: false },
);

/**
 * Everything held on a participant as JSON (export-participant.ts `buildParticipantExport`):
 * the letter's sections, then every registry table linked to them (`tables`) and what is
 * left out and why (`notExported`).
 */
export const ParticipantExportDocument = Type.Object(
  {
    generatedAt: Type.String({ format: 'date-time' }),
    organisation: Type.Object({ name: Type.String() }),
    retention: Type.Object({}),
    participant: Type.Object({ reference: Type.String(), status: Type.String() }),
    consents: Type.Array(Type.Object({ purposeCode: Type.String() })),
    payees: Type.Array(Type.Object({ kind: Type.String() })),
    privacyRequests: Type.Array(Type.Object({})),
    archivedDataReads: Type.Array(
      Type.Object({
        at: Type.String({ format: 'date-time' }),
        by: Nullable(Type.String()),
        roles: Type.Array(Type.String()),
      }),
    ),
    tables: Type.Array(Type.Unknown()),
    notExported: Type.Array(Type.Unknown()),
  },
  { additionalProperties: false },
);
