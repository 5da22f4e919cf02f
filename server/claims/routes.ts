import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { obj, RecordId } from '../shared/schema.js';
import type { Knex } from 'knex';
import type { Acting } from '../shared/acting.js';
import { toLocal } from '../shared/dates.js';
import {
  BulkApproveBody,
  BulkResult,
  CancelBody,
  ClaimCreateBody,
  ClaimFormQuery,
  ClaimIdParams,
  ClaimList,
  ClaimListQuery,
  ClaimPatchBody,
  ClaimView,
  DecisionBody,
  ReceiptFields,
  SettleBody,
  YearlyTotals,
} from './schemas.js';
import { Override } from '../shared/override.js';
import { CLAIM_DECIDERS, CLAIM_READERS, CLAIM_WRITERS } from './policy.js';
import { countsByStatus, listClaims } from './queue-repo.js';
import { claimView, presentSummary, yearlyTotals } from './presenter.js';
import { createClaimIn, updateDraft } from './create-claim.js';
import { submitClaim } from './submit-claim.js';
import { attachReceipt } from './receipts.js';
import { bulkApproveIn, decideClaimIn } from './decide-claim.js';
import { cancelClaim, settleAdvanceIn } from './advances.js';
import { claimFormPdf, decisionLetter } from './documents.js';
import { evidenceRoutes } from './evidence.js';

const pdf = (res: import('express').Response, bytes: Uint8Array, name: string) => {
  res.type('application/pdf').setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.send(Buffer.from(bytes));
};

export function claimRoutes(deps: Deps) {
  const view = async (acting: Acting, id: string) => claimView(deps.db, await acting.settings(), id);
  // Idempotent routes (shared/http.ts) work and answer in the transaction their key is written in.
  const viewIn = async (trx: Knex, acting: Acting, id: string) => claimView(trx, await acting.settings(), id);
  return [
    defineRoute({
      method: 'get',
      path: '/api/claims',
      access: CLAIM_READERS,
      tags: ['claims'],
      summary:
        'Claims queue: filters status, flag, projectId, sessionId, participantId, olderThanDays, advancesToSettle; sort createdAt, reference, amount; counts=true adds counts per status',
      query: ClaimListQuery,
      responses: { 200: { description: 'A page of claims', schema: ClaimList } },
      handler: async (req, res) => {
        const { now } = req.ctx.acting;
        const page = await listClaims(deps.db, req.query, now);
        res.json({
          items: page.items.map(presentSummary),
          nextCursor: page.nextCursor,
          ...(req.query.counts === 'true' ? { counts: await countsByStatus(deps.db, req.query, now) } : {}),
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/claims',
      access: CLAIM_WRITERS,
      tags: ['claims'],
      summary:
        'Enter a claim (draft, or submitted with submit=true); each line computed with the policy in force on its travel date. A session not attended: repeat with override.reason',
      body: ClaimCreateBody,
      idempotent: true,
      errors: [
        'attendance_requires_override',
        'override_forbidden',
        'advance_after_session',
        'claim_session_cancelled',
        'claim_session_not_started',
        'policy_not_in_force',
        'claim_already_submitted',
        'claim_empty',
      ],
      responses: { 201: { description: 'Created', schema: ClaimView } },
      handler: async (req, trx) => {
        const id = await createClaimIn(trx, deps, req.ctx.acting, req.body);
        return { status: 201, body: await viewIn(trx, req.ctx.acting, id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/claims/:id',
      access: CLAIM_READERS,
      tags: ['claims'],
      summary: 'One claim with its lines, receipts, flags and warnings',
      params: ClaimIdParams,
      responses: { 200: { description: 'Claim', schema: ClaimView } },
      handler: async (req, res) => {
        res.json(await view(req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/claims/:id',
      access: CLAIM_WRITERS,
      tags: ['claims'],
      summary: 'Change a draft (payee, times, lines replaced as a whole)',
      params: ClaimIdParams,
      body: ClaimPatchBody,
      responses: { 200: { description: 'Claim', schema: ClaimView } },
      errors: ['claim_not_draft', 'claim_changed', 'claim_session_cancelled', 'policy_not_in_force'],
      handler: async (req, res) => {
        await updateDraft(deps, req.ctx.acting, { claimId: req.params.id, patch: req.body });
        res.json(await view(req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/claims/:id/receipts',
      access: CLAIM_WRITERS,
      tags: ['claims'],
      summary:
        'Attach a receipt (multipart: file, amountCents, optional lineId); PDF, JPEG or PNG by content, 10 MB; a content already backing other lines is flagged reused_receipt',
      params: ClaimIdParams,
      body: ReceiptFields,
      upload: { field: 'file' },
      responses: { 201: { description: 'Attached', schema: ClaimView } },
      errors: ['receipts_frozen', 'file_too_large', 'malformed_form'],
      handler: async (req, res) => {
        const file = (req as unknown as { file?: { buffer: Buffer; originalname?: string } }).file;
        await attachReceipt(deps, req.ctx.acting, {
          claimId: req.params.id,
          file,
          amountCents: Number(req.body.amountCents),
          lineId: req.body.lineId,
        });
        res.status(201).json(await view(req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/claims/:id/submit',
      access: CLAIM_WRITERS,
      tags: ['claims'],
      summary:
        'Submit a draft: flags computed, acknowledgement of receipt sent (e-mail or letter); repeating it answers the same',
      params: ClaimIdParams,
      responses: { 200: { description: 'Claim', schema: ClaimView } },
      errors: ['claim_already_submitted', 'claim_empty'],
      handler: async (req, res) => {
        await submitClaim(deps, req.ctx.acting, req.params.id);
        res.json(await view(req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/claims/:id/decision',
      access: CLAIM_DECIDERS,
      tags: ['claims'],
      summary: 'Decide each line (granted amount, reason code and note); the same decision again answers the same',
      params: ClaimIdParams,
      body: DecisionBody,
      responses: { 200: { description: 'Claim', schema: ClaimView } },
      idempotent: true,
      errors: [
        'not_claim_decider',
        'separation_of_duties',
        'claim_already_decided',
        'claim_cancelled',
        'claim_not_submitted',
        'receipt_reuse_unacknowledged',
        'receipt_requires_override',
        'override_forbidden',
        'budget_exceeded_requires_override',
      ],
      handler: async (req, trx) => {
        await decideClaimIn(trx, deps, req.ctx.acting, { ...req.body, claimId: req.params.id });
        return { status: 200, body: await viewIn(trx, req.ctx.acting, req.params.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/claims/bulk-approve',
      access: CLAIM_DECIDERS,
      tags: ['claims'],
      summary: 'Approve submitted claims without flags at their computed amounts; the others are listed as skipped',
      body: BulkApproveBody,
      responses: { 200: { description: 'Result', schema: BulkResult } },
      idempotent: true,
      handler: async (req, trx) => ({
        status: 200,
        body: await bulkApproveIn(trx, deps, req.ctx.acting, req.body.claimIds),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/claims/:id/cancel',
      access: CLAIM_WRITERS,
      tags: ['claims'],
      summary: 'Cancel a claim before batching',
      params: ClaimIdParams,
      body: CancelBody,
      responses: { 200: { description: 'Claim', schema: ClaimView } },
      errors: ['claim_in_batch'],
      handler: async (req, res) => {
        await cancelClaim(deps, req.ctx.acting, { claimId: req.params.id, reasonNote: req.body.reasonNote });
        res.json(await view(req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/claims/:id/settle',
      access: CLAIM_WRITERS,
      tags: ['claims'],
      summary:
        'Settle a decided advance after its sessions: a settlement claim with the actual lines (none when absent: everything to recover)',
      params: ClaimIdParams,
      body: obj({ ...SettleBody.properties, override: Type.Optional(Override) }),
      responses: { 201: { description: 'The settlement claim', schema: ClaimView } },
      idempotent: true,
      errors: [
        'advance_not_decided',
        'advance_already_settled',
        'session_not_over',
        'absent_advance_requires_override',
        'override_forbidden',
        'policy_not_in_force',
      ],
      handler: async (req, trx) => {
        const id = await settleAdvanceIn(trx, deps, req.ctx.acting, { ...req.body, advanceId: req.params.id });
        return { status: 201, body: await viewIn(trx, req.ctx.acting, id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/claims/:id/decision-letter',
      access: CLAIM_READERS,
      tags: ['claims'],
      summary: 'Decision letter (PDF) with reasons and how to contest',
      params: ClaimIdParams,
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
      handler: async (req, res) => {
        pdf(res, await decisionLetter(deps, req.ctx.acting, req.params.id), 'decision.pdf');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sessions/:id/claim-form',
      access: CLAIM_WRITERS,
      tags: ['claims'],
      summary: 'Claim form to hand out (PDF), prefilled with the participant’s name when participantId is given',
      params: ClaimIdParams,
      query: ClaimFormQuery,
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
      handler: async (req, res) => {
        pdf(
          res,
          await claimFormPdf(deps, req.ctx.acting, {
            sessionId: req.params.id,
            participantId: req.query.participantId,
          }),
          'demande-de-remboursement.pdf',
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/participants/:id/claim-totals',
      access: CLAIM_READERS,
      tags: ['claims'],
      summary:
        'Yearly totals granted to a participant: refunds and allowances apart, with a warning above the allowance threshold',
      params: obj({ id: RecordId('participants') }),
      query: obj({ year: Type.Optional(Type.String({ pattern: '^20[0-9]{2}$' })) }),
      responses: { 200: { description: 'Totals', schema: YearlyTotals } },
      handler: async (req, res) => {
        const s = await req.ctx.acting.settings();
        const year = Number(req.query.year ?? toLocal(req.ctx.acting.now, s.timeZone).date.slice(0, 4));
        res.json(await yearlyTotals(deps.db, s, req.params.id, year));
      },
    }),
    ...evidenceRoutes(deps),
  ];
}
