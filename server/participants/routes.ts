import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import {
  ImportCancelled,
  ImportConfirmed,
  ImportIdParams,
  ImportUploadBody,
  ImportView,
  MergeBody,
  MergeResult,
  ParticipantCreateBody,
  ParticipantIdParams,
  ParticipantList,
  ParticipantListQuery,
  ParticipantPatchBody,
  ParticipantView,
} from './schemas.js';
import { PARTICIPANT_READERS, PARTICIPANT_WRITERS } from './policy.js';
import { listForReader, readParticipant } from './read-participants.js';
import { registerParticipant } from './register-participant.js';
import { updateParticipant } from './update-participant.js';
import { mergeParticipants } from './merge-participants.js';
import { cancelImport, confirmImport, getImport, previewImport } from './import-participants.js';
import { MAX_IMPORT_BYTES } from './import-parse.js';

export function participantRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/participants',
      access: PARTICIPANT_READERS,
      tags: ['participants'],
      summary:
        'Participants: search (q), filters (partnerId, status, communeInsee, hasNeeds), sort (lastName, createdAt, reference), cursor pagination; fields per role',
      query: ParticipantListQuery,
      responses: {
        200: { description: 'A page of participants', schema: ParticipantList },
        403: { description: 'archived_restricted (status=archived is for finance and the DPO)' },
      },
      errors: ['archived_restricted', 'needs_filter_forbidden'],
      handler: async (req, res) => {
        const page = await listForReader(deps, req.ctx.acting, req.query);
        res.json({ items: page.items, nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants',
      access: PARTICIPANT_WRITERS,
      tags: ['participants'],
      summary:
        'Register a participant (a likely duplicate: repeat with override.reason; needs/profile need their live consent)',
      body: ParticipantCreateBody,
      responses: { 201: { description: 'Created', schema: ParticipantView } },
      errors: ['participant_duplicate_requires_override', 'override_forbidden', 'consent_required'],
      handler: async (req, res) => {
        res.status(201).json(await registerParticipant(deps, req.ctx.acting, req.body));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants/imports',
      access: PARTICIPANT_WRITERS,
      tags: ['participants'],
      summary:
        'Preview an import of participants from a CSV or XLSX file (multipart, field `file`, 5 MB): per-row errors, nothing written',
      upload: { field: 'file', maxBytes: MAX_IMPORT_BYTES },
      body: ImportUploadBody,
      responses: { 201: { description: 'Preview', schema: ImportView } },
      errors: ['import_columns_unmapped'],
      handler: async (req, res) => {
        res.status(201).json(await previewImport(deps, req.ctx.acting, { file: req.file, mapping: req.body.mapping }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/participants/imports/:id',
      access: PARTICIPANT_WRITERS,
      tags: ['participants'],
      summary: 'An import: status, counts, errors and preview',
      params: ImportIdParams,
      responses: { 200: { description: 'Import', schema: ImportView } },
      handler: async (req, res) => {
        res.json(await getImport(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants/imports/:id/confirm',
      access: PARTICIPANT_WRITERS,
      tags: ['participants'],
      summary: 'Create the valid rows of a previewed import, all or none',
      params: ImportIdParams,
      responses: { 200: { description: 'Confirmed', schema: ImportConfirmed } },
      errors: ['import_expired', 'import_not_pending', 'import_stale'],
      handler: async (req, res) => {
        res.json(await confirmImport(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants/imports/:id/cancel',
      access: PARTICIPANT_WRITERS,
      tags: ['participants'],
      summary: 'Drop a previewed import and its rows',
      params: ImportIdParams,
      responses: { 200: { description: 'Cancelled', schema: ImportCancelled } },
      errors: ['import_already_confirmed'],
      handler: async (req, res) => {
        res.json(await cancelImport(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/participants/:id',
      access: PARTICIPANT_READERS,
      tags: ['participants'],
      summary:
        'One participant, fields per role; a merged record answers its mergedIntoId; archived records: finance and DPO only, audited',
      params: ParticipantIdParams,
      responses: {
        200: { description: 'Participant', schema: ParticipantView },
        403: { description: 'archived_restricted' },
      },
      errors: ['archived_restricted'],
      handler: async (req, res) => {
        res.json((await readParticipant(deps, req.ctx.acting, { id: req.params.id, via: 'api' })).view);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/participants/:id',
      access: PARTICIPANT_WRITERS,
      tags: ['participants'],
      summary: 'Change a participant (same rules as the creation; needs/profile need their live consent)',
      params: ParticipantIdParams,
      body: ParticipantPatchBody,
      responses: { 200: { description: 'Participant', schema: ParticipantView } },
      errors: ['participant_merged', 'participant_not_active', 'consent_required'],
      handler: async (req, res) => {
        res.json(await updateParticipant(deps, req.ctx.acting, { id: req.params.id, patch: req.body }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants/:id/merge',
      access: PARTICIPANT_WRITERS,
      tags: ['participants'],
      summary:
        'Merge the record `sourceId` into this one: consents, payees and privacy requests move here; the source points here',
      params: ParticipantIdParams,
      body: MergeBody,
      responses: { 200: { description: 'Merged', schema: MergeResult } },
      errors: ['merge_source_merged', 'merge_source_not_active'],
      handler: async (req, res) => {
        res.json(await mergeParticipants(deps, req.ctx.acting, { keptId: req.params.id, sourceId: req.body.sourceId }));
      },
    }),
  ];
}
