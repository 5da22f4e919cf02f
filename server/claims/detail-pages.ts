import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute, keyedFormWork } from '../shared/http.js';
import { hasAnyRole } from '../shared/authorize.js';
import { Label, obj, Uuid } from '../shared/schema.js';
import { sendStoredFile } from '../shared/files.js';
import { parseEuros } from '../shared/money.js';
import { list, text } from '../shared/form.js';
import { validationError } from '../shared/errors.js';
import { page, formBody, actThenRedirect as act } from '../shared/pages.js';
import {
  CLAIM_FLAG_LABELS,
  CLAIM_STATUS_LABELS,
  ClaimIdParams,
  ClaimReceiptParams,
  LINE_KIND_LABELS,
  REASON_CODES,
  REASON_LABELS,
} from './schemas.js';
import { CLAIM_READERS, CLAIM_WRITERS, CLAIM_WRITER_ROLES, CLAIM_DECIDERS, HAND_LABELS, mayDecide } from './policy.js';
import { claimView } from './presenter.js';
import { participantName, userNames } from './choices-repo.js';
import { decisionFacts } from './repo.js';
import { submitClaim } from './submit-claim.js';
import { decideClaimIn } from './decide-claim.js';
import { cancelClaim, settleAdvanceIn } from './advances.js';
import { attachReceipt, receiptFile } from './receipts.js';
import { claimPaymentStatus } from '../payments/index.js';

/** The receipt form of the claim page: the amount as typed, in euros. */
const ReceiptPageFields = obj({ amount: Label({ minLength: 0, maxLength: 20 }), lineId: Type.Optional(Uuid) });

export function detailPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/claims/:id',
      access: CLAIM_READERS,
      summary: 'Claim detail: lines, receipts, flags, decision form',
      params: ClaimIdParams,
      handler: async (req, res) => {
        const settings = await req.ctx.acting.settings();
        const claim = await claimView(deps.db, settings, req.params.id);
        const { actor } = req.ctx.acting;
        const facts = await decisionFacts(deps.db, { id: claim.id, project_id: claim.projectId });
        const people = await userNames(
          deps.db,
          [claim.enteredBy, claim.decidedBy, ...facts.hands.map((h) => h.userId)].filter((x): x is string => !!x),
        );
        // The page asks the rule the decision itself applies, and says why when the form is absent.
        const right = mayDecide(actor, facts);
        const canDecide = claim.status === 'submitted' && right.ok;
        const hands = [...new Set(facts.hands.map((h) => h.userId))].map((userId) => ({
          userId,
          actions: [...new Set(facts.hands.filter((h) => h.userId === userId).map((h) => HAND_LABELS[h.action]))].join(
            ', ',
          ),
        }));
        await page(deps, req, res, 'claims/detail.njk', {
          title: `Demande ${claim.reference}`,
          claim,
          participant: await participantName(deps.db, claim.participantId),
          userNames: Object.fromEntries(people.map((u) => [u.id, u.name])),
          statusLabels: CLAIM_STATUS_LABELS,
          flagLabels: CLAIM_FLAG_LABELS,
          kindLabels: LINE_KIND_LABELS,
          reasonOptions: [
            { value: '', label: '— Aucun (montant calculé accordé) —' },
            ...REASON_CODES.map((r) => ({ value: r, label: REASON_LABELS[r] })),
          ],
          canWrite: hasAnyRole(actor, CLAIM_WRITER_ROLES),
          canDecide,
          hands,
          decisionRefusal: claim.status === 'submitted' && !right.ok ? right.reason : null,
          decided: ['approved', 'partially_approved', 'rejected', 'in_batch', 'paid'].includes(claim.status),
          canSettle:
            claim.isAdvance &&
            ['approved', 'partially_approved', 'in_batch', 'paid'].includes(claim.status) &&
            !claim.flags.includes('advance_settlement'),
          payment: await claimPaymentStatus(deps.db, claim.id),
          canSeeBatch: hasAnyRole(actor, ['finance', 'auditor']),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/claims/:id/receipts/:receiptId',
      access: CLAIM_READERS,
      summary: 'A receipt file, for preview',
      params: ClaimReceiptParams,
      handler: async (req, res) => {
        const file = await receiptFile(deps.db, req.params.id, req.params.receiptId);
        sendStoredFile(res, {
          content: file.content,
          mediaType: file.mediaType,
          filename:
            file.name ??
            `justificatif.${file.mediaType === 'application/pdf' ? 'pdf' : file.mediaType === 'image/png' ? 'png' : 'jpg'}`,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/claims/:id/submit',
      access: CLAIM_WRITERS,
      summary: 'Submit a draft from its page',
      params: ClaimIdParams,
      handler: async (req, res) => {
        await act(deps, req, res, `/claims/${req.params.id}`, 'La demande est transmise.', () =>
          submitClaim(deps, req.ctx.acting, req.params.id),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/claims/:id/cancel',
      access: CLAIM_WRITERS,
      summary: 'Cancel a claim from its page',
      params: ClaimIdParams,
      handler: async (req, res) => {
        await act(deps, req, res, `/claims/${req.params.id}`, 'La demande est annulée.', () =>
          cancelClaim(deps, req.ctx.acting, { claimId: req.params.id }),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/claims/:id/receipts',
      access: CLAIM_WRITERS,
      summary: 'Attach a receipt from the claim page (multipart)',
      params: ClaimIdParams,
      body: ReceiptPageFields,
      upload: { field: 'file' },
      handler: async (req, res) => {
        const file = (req as unknown as { file?: { buffer: Buffer; originalname?: string } }).file;
        await act(deps, req, res, `/claims/${req.params.id}`, 'Le justificatif est ajouté.', async () => {
          // People type euros (12,50), not cents.
          const cents = parseEuros(req.body.amount);
          if (cents === null)
            throw validationError([{ field: 'amount', message: 'le montant doit être en euros, par exemple 12,50' }]);
          return attachReceipt(deps, req.ctx.acting, {
            claimId: req.params.id,
            file,
            amountCents: cents,
            lineId: req.body.lineId,
          });
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/claims/:id/decision',
      access: CLAIM_DECIDERS,
      summary: 'Decide each line from the claim page',
      params: ClaimIdParams,
      idempotent: 'form',
      handler: async (req, res) => {
        const form = formBody(req);
        const ids = list(form.lineId);
        const granted = list(form.granted);
        const reasons = list(form.reasonCode);
        const notes = list(form.reasonNote);
        const acks = new Set(list(form.ack));
        await act(
          deps,
          req,
          res,
          `/claims/${req.params.id}`,
          'La décision est enregistrée ; le courrier ou l’e-mail part à la personne.',
          async () => {
            const lines = ids.map((lineId, i) => {
              const cents = parseEuros(text(granted[i]));
              if (cents === null)
                throw validationError([
                  { field: `granted-${i}`, message: `ligne ${i + 1} : montant accordé invalide` },
                ]);
              return {
                lineId,
                grantedCents: cents,
                ...(text(reasons[i]) ? { reasonCode: text(reasons[i]) as never } : {}),
                ...(text(notes[i]) ? { reasonNote: text(notes[i]) } : {}),
                receiptReuseAcknowledged: acks.has(lineId),
              };
            });
            const overrideReason = text(form.overrideReason);
            await keyedFormWork(deps, req, (trx) =>
              decideClaimIn(trx, deps, req.ctx.acting, {
                claimId: req.params.id,
                lines,
                ...(overrideReason ? { override: { reason: overrideReason } } : {}),
                ...(text(form.note) ? { note: text(form.note) } : {}),
              }),
            );
          },
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/claims/:id/settle',
      access: CLAIM_WRITERS,
      summary: 'Settle an advance from its page (as estimated, or absent)',
      params: ClaimIdParams,
      idempotent: 'form',
      handler: async (req, res) => {
        const form = formBody(req);
        const settings = await req.ctx.acting.settings();
        const advance = await claimView(deps.db, settings, req.params.id);
        const absent = text(form.outcome) === 'absent';
        const lines = absent
          ? []
          : advance.lines.map((l) => {
              const { travelDate: _t, ...input } = l.input as Record<string, unknown>;
              return { ...input, kind: l.kind, travelDate: l.travelDate } as never;
            });
        await act(
          deps,
          req,
          res,
          `/claims/${req.params.id}`,
          'La régularisation est créée et transmise pour décision.',
          () =>
            keyedFormWork(deps, req, (trx) =>
              settleAdvanceIn(trx, deps, req.ctx.acting, { advanceId: req.params.id, lines }),
            ),
        );
      },
    }),
  ];
}
