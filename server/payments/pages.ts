import type { Response } from 'express';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute, keyedFormWork } from '../shared/http.js';
import { AppError } from '../shared/errors.js';
import { hasAnyRole, rolesOf } from '../shared/authorize.js';
import { obj, RecordId } from '../shared/schema.js';
import { list, text } from '../shared/form.js';
import { flash } from '../auth/index.js';
import { page, formBody, actThenRedirect as act, type PageRequest } from '../shared/pages.js';
import { BATCH_MANAGERS, BATCH_READERS } from './policy.js';
import {
  BATCH_KIND_LABELS,
  BATCH_STATUS_LABELS,
  BATCH_STATUSES,
  BatchIdParams,
  PAYMENT_STATUS_LABELS,
  REJECT_REASONS,
  REJECT_REASON_LABELS,
  type BatchStatus,
} from './schemas.js';
import { batchPageView, batchPaymentPageView, batchSummaryView, listBatches } from './presenter.js';
import { payableClaimsForBuilder, projectsWithPayableClaims } from './repo.js';
import { buildBatchIn } from './build-batch.js';
import { cancelBatch, exportBatch, voidBatch } from './batch-lifecycle.js';
import { bankFileFacts } from './bank-file.js';
import { markPaid, rejectPayment } from './mark-paid.js';

const ListPageQuery = obj({
  status: Type.Optional(Type.String({ maxLength: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const BatchPageQuery = obj({ after: Type.Optional(Type.String({ maxLength: 12 })) });
const BuilderQuery = obj({ projectId: Type.Optional(Type.String({ maxLength: 40 })) });
const labels = {
  statusLabels: BATCH_STATUS_LABELS,
  kindLabels: BATCH_KIND_LABELS,
  paymentStatusLabels: PAYMENT_STATUS_LABELS,
  rejectLabels: REJECT_REASON_LABELS,
};
const PaymentPageParams = obj({ id: RecordId('payment_batches'), paymentId: RecordId('payments') });
const uuidOrUndefined = (v: string) => (/^[0-9a-f-]{36}$/i.test(v) ? v : undefined);

export function paymentPages(deps: Deps) {
  const builder = async (
    req: PageRequest,
    res: Response,
    projectId: string | undefined,
    selected: string[],
    kind: string,
    error: string | null = null,
    askReason = false,
  ) => {
    const settings = await req.ctx.acting.settings();
    const claims = (
      await payableClaimsForBuilder(deps.db, settings.deciderCannotBatch ? req.ctx.actor!.userId : null, projectId)
    ).map((c) => ({ ...c, checked: selected.includes(c.id), amount: Number(c.amount_to_pay_cents) }));
    const chosen = claims.filter((c) => c.checked);
    await page(
      deps,
      req,
      res,
      'payments/new.njk',
      {
        title: 'Nouveau lot de paiement',
        claims,
        projectId: projectId ?? '',
        kind,
        error,
        askReason,
        deciderCannotBatch: settings.deciderCannotBatch,
        projects: [
          { value: '', label: 'Toutes les démarches' },
          ...(await projectsWithPayableClaims(deps.db)).map((p) => ({ value: p.id, label: p.name })),
        ],
        selectedCount: chosen.length,
        selectedCents: chosen.reduce((s, c) => s + c.amount, 0),
        payeeCount: new Set(chosen.map((c) => c.payee_name ?? c.id)).size,
        listedCents: claims.reduce((s, c) => s + c.amount, 0),
      },
      error ? 409 : 200,
    );
  };
  const confirmPage = (what: 'cancel' | 'void') =>
    defineRoute({
      kind: 'page',
      method: 'get',
      path: `/payments/:id/${what}`,
      access: BATCH_MANAGERS,
      summary: `Confirm ${what === 'cancel' ? 'cancelling' : 'voiding'} a batch`,
      params: BatchIdParams,
      handler: async (req, res) => {
        const batch = await batchSummaryView(deps.db, req.params.id);
        await page(deps, req, res, 'payments/confirm.njk', {
          title: `Annuler le lot ${batch.reference}`,
          batch,
          what,
          ...labels,
        });
      },
    });
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/payments',
      access: BATCH_READERS,
      summary: 'Payment batches list',
      query: ListPageQuery,
      handler: async (req, res) => {
        const status = BATCH_STATUSES.includes(req.query.status as BatchStatus)
          ? (req.query.status as BatchStatus)
          : undefined;
        const result = await listBatches(deps.db, { status, cursor: req.query.cursor, limit: '25' });
        await page(deps, req, res, 'payments/list.njk', {
          title: 'Paiements',
          batches: result.items,
          status: status ?? '',
          canManage: hasAnyRole(req.ctx.actor, rolesOf(BATCH_MANAGERS)),
          statusOptions: [
            { value: '', label: 'Tous' },
            ...BATCH_STATUSES.map((s) => ({ value: s, label: BATCH_STATUS_LABELS[s] })),
          ],
          nextHref: result.nextCursor
            ? `/payments?${status ? `status=${status}&` : ''}cursor=${result.nextCursor}`
            : null,
          ...labels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/payments/new',
      access: BATCH_MANAGERS,
      summary: 'Batch builder: approved claims with checkboxes and the total',
      query: BuilderQuery,
      handler: async (req, res) => builder(req, res, uuidOrUndefined(req.query.projectId ?? ''), [], 'transfer'),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/payments/new',
      access: BATCH_MANAGERS,
      summary: 'Recompute the total of the chosen claims, or build the batch',
      idempotent: 'form',
      handler: async (req, res) => {
        const form = formBody(req);
        const selected = list(form.claimIds).filter((id) => uuidOrUndefined(id));
        const kind = text(form.kind) === 'cash' ? 'cash' : 'transfer';
        const projectId = uuidOrUndefined(text(form.projectId));
        if (text(form.action) !== 'create') return builder(req, res, projectId, selected, kind);
        if (selected.length === 0) return builder(req, res, projectId, selected, kind, 'Cochez au moins une demande.');
        const reason = text(form.overrideReason).slice(0, 500);
        try {
          const built = await keyedFormWork(deps, req, (trx) =>
            buildBatchIn(trx, deps, req.ctx.acting, {
              kind,
              claimIds: selected,
              ...(reason ? { override: { reason } } : {}),
            }),
          );
          await flash(deps, req, 'success', 'Le lot est créé. Vérifiez-le puis exportez-le.');
          res.redirect(303, `/payments/${built.batchId}`);
        } catch (e) {
          if (!(e instanceof AppError) || (e.status !== 400 && e.status !== 409)) throw e;
          await builder(
            req,
            res,
            projectId,
            selected,
            kind,
            e.message,
            e.code === 'own_iban_requires_override' ||
              (!!reason && e.details.some((d) => d.field === 'override.reason')),
          );
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/payments/:id',
      access: BATCH_READERS,
      summary: 'Batch detail with downloads and actions, and one page of its payments',
      params: BatchIdParams,
      query: BatchPageQuery,
      handler: async (req, res) => {
        // `after`: the position of the last payment of the previous page (keyset); anything else is the first page.
        const after = /^\d{1,9}$/.test(req.query.after ?? '') ? Number(req.query.after) : 0;
        const batch = await batchPageView(deps.db, req.params.id, after);
        const settings = await req.ctx.acting.settings();
        const bankFile = await bankFileFacts(deps.db, { sepa_file_id: batch.sepaFileId });
        await page(deps, req, res, 'payments/detail.njk', {
          title: `Lot ${batch.reference}`,
          batch,
          canManage: hasAnyRole(req.ctx.actor, rolesOf(BATCH_MANAGERS)),
          bankFile,
          hasFiles: batch.status === 'exported' || batch.status === 'paid',
          hasSepa: batch.kind === 'transfer' && (!!bankFile || !!settings.debtor.iban),
          firstShown: batch.payments[0]?.position ?? null,
          lastShown: batch.payments[batch.payments.length - 1]?.position ?? null,
          firstHref: after > 0 ? `/payments/${batch.id}` : null,
          nextHref: batch.nextAfter !== null ? `/payments/${batch.id}?after=${batch.nextAfter}` : null,
          ...labels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/payments/:id/export',
      access: BATCH_MANAGERS,
      summary: 'Export the batch from its page',
      params: BatchIdParams,
      handler: async (req, res) => {
        await act(deps, req, res, `/payments/${req.params.id}`, 'Le lot est exporté : ses fichiers sont prêts.', () =>
          exportBatch(deps, req.ctx.acting, req.params.id),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/payments/:id/mark-paid',
      access: BATCH_MANAGERS,
      summary: 'Mark the whole batch paid from its page',
      params: BatchIdParams,
      handler: async (req, res) => {
        await act(
          deps,
          req,
          res,
          `/payments/${req.params.id}`,
          'Le lot est marqué payé. Les personnes sont prévenues.',
          () => markPaid(deps, req.ctx.acting, { batchId: req.params.id }),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/payments/:id/payments/:paymentId/reject',
      access: BATCH_MANAGERS,
      summary: 'Confirm a payment rejected by the bank, with its reason',
      params: PaymentPageParams,
      handler: async (req, res) => {
        const { batch, payment } = await batchPaymentPageView(deps.db, req.params.id, req.params.paymentId);
        await page(deps, req, res, 'payments/reject.njk', {
          title: `Rejet du paiement n° ${payment.position} du lot ${batch.reference}`,
          batch,
          payment,
          ...labels,
          reasonOptions: REJECT_REASONS.map((r) => ({ value: r, label: `${REJECT_REASON_LABELS[r]} (${r})` })),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/payments/:id/payments/:paymentId/reject',
      access: BATCH_MANAGERS,
      summary: 'Record a payment rejected by the bank (after confirmation)',
      params: PaymentPageParams,
      handler: async (req, res) => {
        const reason = text(formBody(req).reasonCode);
        const code = REJECT_REASONS.find((r) => r === reason);
        await batchPaymentPageView(deps.db, req.params.id, req.params.paymentId);
        if (!code) {
          await flash(deps, req, 'error', 'Choisissez le motif du rejet donné par la banque.');
          return res.redirect(303, `/payments/${req.params.id}/payments/${req.params.paymentId}/reject`);
        }
        await act(
          deps,
          req,
          res,
          `/payments/${req.params.id}`,
          'Le rejet est enregistré : les demandes de ce paiement pourront aller dans un nouveau lot.',
          () => rejectPayment(deps, req.ctx.acting, { paymentId: req.params.paymentId, reasonCode: code }),
        );
      },
    }),
    confirmPage('cancel'),
    confirmPage('void'),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/payments/:id/cancel',
      access: BATCH_MANAGERS,
      summary: 'Cancel an open batch (after confirmation)',
      params: BatchIdParams,
      handler: async (req, res) => {
        await act(
          deps,
          req,
          res,
          `/payments/${req.params.id}`,
          'Le lot est annulé : ses demandes peuvent aller dans un autre lot.',
          () => cancelBatch(deps, req.ctx.acting, req.params.id),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/payments/:id/void',
      access: BATCH_MANAGERS,
      summary: 'Void an exported batch with a reason (after confirmation)',
      params: BatchIdParams,
      handler: async (req, res) => {
        const reason = text(formBody(req).reason);
        if (reason.length < 3) {
          await flash(deps, req, 'error', 'Indiquez le motif de l’annulation.');
          return res.redirect(303, `/payments/${req.params.id}/void`);
        }
        await act(
          deps,
          req,
          res,
          `/payments/${req.params.id}`,
          'Le lot est annulé : son fichier ne doit pas être envoyé à la banque.',
          () => voidBatch(deps, req.ctx.acting, { batchId: req.params.id, reason: reason.slice(0, 500) }),
        );
      },
    }),
  ];
}
