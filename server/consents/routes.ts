import type { Response } from 'express';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AUTHENTICATED } from '../shared/authorize.js';
import { notFound } from '../shared/errors.js';
import { sendStoredFile } from '../shared/files.js';
import {
  ConsentCreateBody,
  ConsentIdParams,
  ConsentList,
  ConsentRecorded,
  ConsentView,
  ConsentWithdrawBody,
  ParticipantIdParams,
  PurposeCodeParams,
  PurposeList,
  PurposePatchBody,
  PurposeView,
  WithdrawParams,
} from './schemas.js';
import { getParticipant, listConsents, listPurposes } from './repo.js';
import { presentConsent, presentPurpose } from './presenter.js';
import { organisationToday } from './consent-rules.js';
import { recordConsent } from './record-consent.js';
import { withdrawConsent } from './withdraw-consent.js';
import { updatePurpose } from './update-purpose.js';
import { readConsentEvidence } from './read-evidence.js';
import { consentFormPdf } from './consent-form.js';
import { CONSENT_READERS, CONSENT_RECORDERS, EVIDENCE_READERS, PURPOSE_EDITORS } from './policy.js';

function sendPdf(res: Response, pdf: { bytes: Uint8Array; fileName: string }) {
  res.setHeader('Content-Disposition', `inline; filename="${pdf.fileName}"`);
  res.type('application/pdf').send(Buffer.from(pdf.bytes));
}

const PDF = { 200: { description: 'PDF document', contentType: 'application/pdf' } };

export function consentRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/consent-purposes',
      access: AUTHENTICATED,
      tags: ['consents'],
      summary: 'The catalogue of consent purposes (finalités), with legal basis and text version',
      responses: { 200: { description: 'Purposes, in display order', schema: PurposeList } },
      handler: async (_req, res) => {
        res.json({ items: (await listPurposes(deps.db)).map(presentPurpose) });
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/consent-purposes/:code',
      access: PURPOSE_EDITORS,
      tags: ['consents'],
      summary: 'Edit a purpose (admin, DPO); a new text raises the text version',
      params: PurposeCodeParams,
      body: PurposePatchBody,
      responses: { 200: { description: 'Purpose', schema: PurposeView } },
      handler: async (req, res) => {
        res.json(await updatePurpose(deps, req.ctx.acting, { code: req.params.code, patch: req.body }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/participants/:id/consents',
      access: CONSENT_READERS,
      tags: ['consents'],
      summary: 'Consent history of a participant, including withdrawn, superseded and expired ones',
      params: ParticipantIdParams,
      responses: { 200: { description: 'Consents, newest first', schema: ConsentList } },
      handler: async (req, res) => {
        if (!(await getParticipant(deps.db, req.params.id))) throw notFound('Participant');
        const today = await organisationToday(req.ctx.acting);
        res.json({ items: (await listConsents(deps.db, req.params.id)).map((c) => presentConsent(c, today)) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants/:id/consents',
      access: CONSENT_RECORDERS,
      tags: ['consents'],
      summary:
        'Record a consent (JSON, or multipart/form-data with an `evidence` file: PDF, JPEG or PNG, 10 MB at most); supersedes the previous one for the purpose',
      params: ParticipantIdParams,
      body: ConsentCreateBody,
      upload: { field: 'evidence' },
      responses: {
        201: { description: 'Recorded', schema: ConsentRecorded },
        413: { description: 'Evidence file over 10 MB' },
      },
      errors: ['consent_participant_merged', 'consent_participant_not_active', 'file_too_large', 'malformed_form'],
      handler: async (req, res) => {
        res.status(201).json(
          await recordConsent(deps, req.ctx.acting, {
            participantId: req.params.id,
            consent: req.body,
            evidence: req.file,
          }),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants/:id/consents/:consentId/withdraw',
      access: CONSENT_RECORDERS,
      tags: ['consents'],
      summary:
        'Withdraw a consent (a dated event); acts at once (profile → profile erased, needs → needs erased, contact → through the partner); repeating answers the same',
      params: WithdrawParams,
      body: ConsentWithdrawBody,
      responses: { 200: { description: 'The withdrawn consent', schema: ConsentView } },
      errors: ['consent_superseded'],
      handler: async (req, res) => {
        res.json(
          await withdrawConsent(deps, req.ctx.acting, {
            participantId: req.params.id,
            consentId: req.params.consentId,
            withdrawal: req.body,
          }),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/consents/:id/evidence',
      access: EVIDENCE_READERS,
      tags: ['consents'],
      summary: 'The evidence file of a consent; each read is audited (consent.evidence_read)',
      params: ConsentIdParams,
      responses: { 200: { description: 'PDF, JPEG or PNG', contentType: 'application/octet-stream' } },
      handler: async (req, res) => {
        const file = await readConsentEvidence(deps, req.ctx.acting, req.params.id);
        sendStoredFile(
          res,
          { content: file.content, mediaType: file.mediaType, filename: file.fileName },
          { download: true },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/participants/:id/consent-form',
      access: CONSENT_RECORDERS,
      tags: ['consents'],
      summary: 'Printable consent form (PDF) prefilled with the participant’s identity',
      params: ParticipantIdParams,
      responses: PDF,
      handler: async (req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        sendPdf(res, await consentFormPdf(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/consent-form',
      access: AUTHENTICATED,
      tags: ['consents'],
      summary: 'Blank printable consent form (PDF)',
      responses: PDF,
      handler: async (req, res) => {
        sendPdf(res, await consentFormPdf(deps, req.ctx.acting, null));
      },
    }),
  ];
}
