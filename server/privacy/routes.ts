import type { Response } from 'express';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import {
  EraseBody,
  EraseResult,
  ExportQuery,
  ParticipantExportDocument,
  ParticipantIdParams,
  RegisterDocument,
  RegisterQuery,
  RequestCompleteBody,
  RequestCreateBody,
  RequestIdParams,
  RequestList,
  RequestListQuery,
  RequestView,
  RetentionOverview,
  RunBody,
  RunView,
} from './schemas.js';
import { listRequests } from './repo.js';
import { presentRequest, presentRun } from './presenter.js';
import { completePrivacyRequest, organisationToday, recordPrivacyRequest } from './requests.js';
import { eraseParticipant } from './erase-participant.js';
import { exportParticipant, streamParticipantExportZip } from './export-participant.js';
import { participantExportPdf } from './export-pdf.js';
import { exportRegister } from './processing-register/register.js';
import { registerCsv, registerPdf } from './processing-register/files.js';
import { retentionOverview } from './overview.js';
import { startRetentionRun } from './retention.js';
import { DPO_ONLY, REQUEST_RECORDERS, RETENTION_RUNNERS } from './policy.js';

function sendPdf(res: Response, bytes: Uint8Array, fileName: string) {
  res.type('application/pdf').setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.send(Buffer.from(bytes));
}

export function privacyRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/privacy/requests',
      access: REQUEST_RECORDERS,
      tags: ['privacy'],
      summary:
        'Privacy requests: filters (status, kind, participantId), sort by dueOn or receivedOn, cursor pagination',
      query: RequestListQuery,
      responses: { 200: { description: 'A page of requests', schema: RequestList } },
      handler: async (req, res) => {
        const today = await organisationToday(req.ctx.acting);
        const page = await listRequests(deps.db, req.query);
        res.json({ items: page.items.map((r) => presentRequest(r, today)), nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/privacy/requests',
      access: REQUEST_RECORDERS,
      tags: ['privacy'],
      summary: 'Record a request of a person (access, rectification, erasure, objection); due one month after receipt',
      body: RequestCreateBody,
      responses: { 201: { description: 'Recorded', schema: RequestView } },
      handler: async (req, res) => {
        res.status(201).json(await recordPrivacyRequest(deps, req.ctx.acting, req.body as RequestCreateBody));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/privacy/requests/:id/complete',
      access: DPO_ONLY,
      tags: ['privacy'],
      summary: 'Record the outcome of a request',
      params: RequestIdParams,
      body: RequestCompleteBody,
      responses: { 200: { description: 'Closed request', schema: RequestView } },
      errors: ['request_already_closed', 'erasure_not_done'],
      handler: async (req, res) => {
        res.json(
          await completePrivacyRequest(deps, req.ctx.acting, {
            id: req.params.id,
            ...(req.body as RequestCompleteBody),
          }),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/privacy/retention',
      access: RETENTION_RUNNERS,
      tags: ['privacy'],
      summary: 'Retention preview (participants due now by step, coming months) and past runs',
      responses: { 200: { description: 'Overview', schema: RetentionOverview } },
      handler: async (req, res) => {
        const { timeZone: _tz, ...overview } = await retentionOverview(deps, req.ctx.acting);
        res.json(overview);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/privacy/retention/runs',
      access: RETENTION_RUNNERS,
      tags: ['privacy'],
      summary: 'Start a retention run (dry_run counts, apply archives and anonymises); poll GET /api/jobs/{id}',
      body: RunBody,
      responses: { 202: { description: 'Run started', schema: RunView } },
      handler: async (req, res) => {
        const { job } = await startRetentionRun(deps, req.ctx.acting, { mode: req.body.mode, trigger: 'api' });
        res.status(202).location(`/api/jobs/${job.id}`).json(presentRun(job));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/privacy/register',
      access: RETENTION_RUNNERS,
      tags: ['privacy'],
      summary: 'Record of processing activities (GDPR art. 30) as JSON, PDF or CSV (?format=); audited',
      query: RegisterQuery,
      responses: { 200: { description: 'Register (JSON, application/pdf or text/csv)', schema: RegisterDocument } },
      handler: async (req, res) => {
        const format = req.query.format ?? 'json';
        const register = await exportRegister(deps, req.ctx.acting, { format });
        if (format === 'json') return res.json(register);
        if (format === 'csv') {
          res
            .type('text/csv; charset=utf-8')
            .setHeader('Content-Disposition', 'attachment; filename="registre-des-traitements.csv"');
          return res.send(registerCsv(register));
        }
        const settings = await req.ctx.acting.settings();
        sendPdf(res, await registerPdf(register, settings.timeZone), 'registre-des-traitements.pdf');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/participants/:id/export',
      access: DPO_ONLY,
      tags: ['privacy'],
      summary:
        'Everything held on a participant (right of access, built from the registry) as JSON, a letter in plain French (?format=pdf), or a ZIP with both and the person’s documents (?format=zip); audited',
      params: ParticipantIdParams,
      query: ExportQuery,
      responses: {
        200: { description: 'Export (JSON, application/pdf or application/zip)', schema: ParticipantExportDocument },
      },
      handler: async (req, res) => {
        const format = req.query.format ?? 'json';
        if (format === 'zip') return streamParticipantExportZip(deps, req.ctx.acting, req.params.id, res);
        const data = await exportParticipant(deps, req.ctx.acting, { participantId: req.params.id, format });
        if (format === 'json') {
          res.setHeader('Content-Disposition', `attachment; filename="donnees-${data.participant.reference}.json"`);
          return res.json(data);
        }
        const settings = await req.ctx.acting.settings();
        sendPdf(res, await participantExportPdf(data, settings.timeZone), `donnees-${data.participant.reference}.pdf`);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants/:id/erase',
      access: DPO_ONLY,
      tags: ['privacy'],
      summary:
        'Erase a person: anonymised without accounting records, archived with them (GDPR art. 17(3)(b)); closes the request',
      params: ParticipantIdParams,
      body: EraseBody,
      responses: { 200: { description: 'State after erasure', schema: EraseResult } },
      handler: async (req, res) => {
        res.json(
          await eraseParticipant(deps, req.ctx.acting, { participantId: req.params.id, ...(req.body as EraseBody) }),
        );
      },
    }),
  ];
}
