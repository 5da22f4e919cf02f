import type { Response } from 'express';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import {
  BatchCreateBody,
  BatchIdParams,
  PaymentIdParams,
  BatchList,
  BatchListQuery,
  BatchView,
  CertificateParams,
  CertificateQuery,
  EmptyBody,
  MarkPaidBody,
  RejectBody,
  VoidBody,
} from './schemas.js';
import { BATCH_MANAGERS, BATCH_READERS, CERTIFICATE_READERS } from './policy.js';
import { batchView, listBatches } from './presenter.js';
import { buildBatchIn } from './build-batch.js';
import { cancelBatch, exportBatchIn, voidBatch } from './batch-lifecycle.js';
import { markPaidIn, rejectPayment } from './mark-paid.js';
import { downloadBatchFile, type BatchFileKind } from './download.js';
import { certificatePdf, paymentCertificatePdf } from './certificates.js';

function send(res: Response, file: { bytes: Buffer | Uint8Array; type: string; filename: string }) {
  res.type(file.type).setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(Buffer.from(file.bytes));
}

const FILES: { path: string; kind: BatchFileKind; summary: string; type: string }[] = [
  {
    path: 'sepa.xml',
    kind: 'sepa',
    summary: 'SEPA credit transfer file (pain.001.001.09, or .03 per the settings)',
    type: 'application/xml',
  },
  {
    path: 'accounting.csv',
    kind: 'csv',
    summary: 'Accounting export, CSV (French Excel dialect): one line per payment and accounting code',
    type: 'text/csv',
  },
  {
    path: 'accounting.xlsx',
    kind: 'xlsx',
    summary: 'Accounting export, XLSX',
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  {
    path: 'slip.pdf',
    kind: 'slip',
    summary: 'Batch slip (bordereau) with totals per category and signature boxes',
    type: 'application/pdf',
  },
];

export function paymentRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/payment-batches',
      access: BATCH_READERS,
      tags: ['payments'],
      summary: 'Payment batches, newest first; filter status',
      query: BatchListQuery,
      responses: { 200: { description: 'A page of batches', schema: BatchList } },
      handler: async (req, res) => {
        res.json(await listBatches(deps.db, req.query));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/payment-batches',
      access: BATCH_MANAGERS,
      tags: ['payments'],
      summary:
        'Build a batch from claimIds or filters (projectId, sessionId, decidedBefore, advancesOnly): one payment per payee, claims → in_batch. Kind transfer (payees with an IBAN) or cash. A payee with the organisation’s own IBAN: repeat with override.reason',
      body: BatchCreateBody,
      idempotent: true,
      errors: [
        'batch_decided_by_builder',
        'claim_not_payable',
        'claims_payee_without_iban',
        'no_claims_to_batch',
        'claim_in_another_batch',
        'own_iban_requires_override',
        'override_forbidden',
      ],
      responses: { 201: { description: 'Created', schema: BatchView } },
      handler: async (req, trx) => {
        const built = await buildBatchIn(trx, deps, req.ctx.acting, req.body);
        return { status: 201, body: await batchView(trx, built.batchId, built.skipped) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/payment-batches/:id',
      access: BATCH_READERS,
      tags: ['payments'],
      summary: 'One batch with its payments and claims (masked IBANs only)',
      params: BatchIdParams,
      responses: { 200: { description: 'Batch', schema: BatchView } },
      handler: async (req, res) => {
        res.json(await batchView(deps.db, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/payment-batches/:id/export',
      access: BATCH_MANAGERS,
      tags: ['payments'],
      summary:
        'Export an open batch: snapshots of payee names and encrypted IBANs, files available; exporting again answers the same',
      params: BatchIdParams,
      body: EmptyBody,
      responses: { 200: { description: 'Batch', schema: BatchView } },
      idempotent: true,
      errors: [
        'batch_not_open',
        'debtor_not_configured',
        'batch_payee_without_iban',
        'sepa_payee_name_empty',
        'sepa_field_empty',
      ],
      handler: async (req, trx) => {
        await exportBatchIn(trx, deps, req.ctx.acting, req.params.id);
        return { status: 200, body: await batchView(trx, req.params.id) };
      },
    }),
    ...FILES.map((f) =>
      defineRoute({
        method: 'get',
        path: `/api/payment-batches/:id/${f.path}`,
        access: BATCH_MANAGERS,
        tags: ['payments'],
        summary: `${f.summary}. Restricted export: finance only, each download audited with the file’s SHA-256`,
        params: BatchIdParams,
        responses: { 200: { description: 'File', contentType: f.type } },
        errors: [
          'batch_open_no_files',
          'batch_cancelled_no_files',
          ...(f.kind === 'sepa'
            ? ([
                'cash_batch_no_sepa',
                'sepa_not_available',
                'sepa_payee_name_empty',
                'sepa_field_empty',
                'payment_file_erased',
              ] as const)
            : []),
        ],
        handler: async (req, res) => {
          send(res, await downloadBatchFile(deps, req.ctx.acting, req.params.id, f.kind));
        },
      }),
    ),
    defineRoute({
      method: 'post',
      path: '/api/payment-batches/:id/mark-paid',
      access: BATCH_MANAGERS,
      tags: ['payments'],
      summary: 'Mark an exported batch paid, whole or some payments (paymentIds): claims → paid, participants told',
      params: BatchIdParams,
      body: MarkPaidBody,
      responses: { 200: { description: 'Batch', schema: BatchView } },
      idempotent: true,
      errors: ['batch_open_cannot_pay', 'batch_cancelled_cannot_pay', 'payment_rejected'],
      handler: async (req, trx) => {
        await markPaidIn(trx, deps, req.ctx.acting, { batchId: req.params.id, paymentIds: req.body.paymentIds });
        return { status: 200, body: await batchView(trx, req.params.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/payment-batches/:id/cancel',
      access: BATCH_MANAGERS,
      tags: ['payments'],
      summary: 'Cancel an open batch: claims back to approved (once exported: void it)',
      params: BatchIdParams,
      body: EmptyBody,
      responses: { 200: { description: 'Batch', schema: BatchView } },
      errors: ['batch_exported_cannot_cancel', 'batch_not_open_cannot_cancel'],
      handler: async (req, res) => {
        await cancelBatch(deps, req.ctx.acting, req.params.id);
        res.json(await batchView(deps.db, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/payment-batches/:id/void',
      access: BATCH_MANAGERS,
      tags: ['payments'],
      summary:
        'Void an exported batch with a reason: its file must not be sent; claims back to approved, flagged batch_voided',
      params: BatchIdParams,
      body: VoidBody,
      responses: { 200: { description: 'Batch', schema: BatchView } },
      errors: ['batch_not_exported', 'batch_not_exported_cannot_void', 'batch_partly_paid'],
      handler: async (req, res) => {
        await voidBatch(deps, req.ctx.acting, { batchId: req.params.id, reason: req.body.reason });
        res.json(await batchView(deps.db, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/payments/:id/reject',
      access: BATCH_MANAGERS,
      tags: ['payments'],
      summary:
        'Record a payment rejected by the bank (ISO reason code): its claims back to approved, flagged payment_rejected, free for a new batch',
      params: PaymentIdParams,
      body: RejectBody,
      responses: { 200: { description: 'The batch', schema: BatchView } },
      errors: ['payment_already_rejected', 'batch_not_exported_cannot_reject'],
      handler: async (req, res) => {
        const { batchId } = await rejectPayment(deps, req.ctx.acting, {
          paymentId: req.params.id,
          reasonCode: req.body.reasonCode,
        });
        res.json(await batchView(deps.db, batchId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/participants/:id/certificates/:year',
      access: CERTIFICATE_READERS,
      tags: ['payments'],
      summary: 'Yearly payment certificate (PDF): kind=refund (actual costs) or kind=allowance, on separate documents',
      params: CertificateParams,
      query: CertificateQuery,
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
      handler: async (req, res) => {
        const bytes = await certificatePdf(deps, req.ctx.acting, {
          participantId: req.params.id,
          year: Number(req.params.year),
          kind: req.query.kind,
        });
        send(res, {
          bytes,
          type: 'application/pdf',
          filename: `attestation-${req.query.kind === 'refund' ? 'remboursements' : 'indemnites'}-${req.params.year}.pdf`,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/payments/:id/certificate.pdf',
      access: CERTIFICATE_READERS,
      tags: ['payments'],
      summary:
        'Certificate of one paid payment (PDF): kind=refund (actual costs) or kind=allowance, on separate documents',
      params: PaymentIdParams,
      query: CertificateQuery,
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' }, 404: { description: 'not_found' } },
      errors: ['payment_not_paid', 'payment_rejected_no_certificate', 'nothing_to_certify', 'no_allowance_to_certify'],
      handler: async (req, res) => {
        const file = await paymentCertificatePdf(deps, req.ctx.acting, {
          paymentId: req.params.id,
          kind: req.query.kind,
        });
        send(res, { bytes: file.bytes, type: 'application/pdf', filename: file.filename });
      },
    }),
  ];
}
