import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { LETTER_PRINTERS, OUTBOX_ADMINS } from './policy.js';
import { obj, RecordId } from '../shared/schema.js';
import { page, fieldErrors } from '../shared/pages.js';
import { flash } from '../auth/index.js';
import { MarkPrintedBody, MarkPrintedResult, OutboxList, OutboxQuery, OutboxView, TestEmailBody } from './schemas.js';
import { sendTestEmail } from './test-email.js';
import { check } from '../shared/validate.js';
import { formBody } from '../shared/pages.js';
import { countByStatus, getOutboxMessage, listOutbox, presentOutbox } from './repo.js';
import { countLabel } from '../shared/counts.js';
import { retryMessage } from './worker.js';
import { letterBundle, markLettersPrinted } from './letters.js';

/** Each status's count as the page shows it (the counts stop past 10,000). */
const countLabels = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).map(([status, n]) => [status, countLabel(n)]));

export function outboxRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/outbox',
      access: OUTBOX_ADMINS,
      tags: ['outbox'],
      summary: 'Messages to send or print, with their delivery status (no addresses or bodies)',
      query: OutboxQuery,
      responses: { 200: { description: 'A page of messages', schema: OutboxList } },
      handler: async (req, res) => {
        const result = await listOutbox(deps.db, req.query);
        res.json({
          items: result.items.map(presentOutbox),
          nextCursor: result.nextCursor,
          counts: await countByStatus(deps.db),
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/outbox/:id/retry',
      access: OUTBOX_ADMINS,
      tags: ['outbox'],
      summary: 'Send a failed or waiting e-mail again now',
      params: obj({ id: RecordId('outbox_messages') }),
      responses: { 200: { description: 'Queued again', schema: OutboxView } },
      handler: async (req, res) => {
        await retryMessage(deps, req.ctx.acting, req.params.id);
        res.json(presentOutbox((await getOutboxMessage(deps.db, req.params.id))!));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/outbox/test',
      access: OUTBOX_ADMINS,
      tags: ['outbox'],
      summary: 'Queue a test e-mail to check the mail settings',
      body: TestEmailBody,
      responses: { 202: { description: 'Queued', schema: OutboxView } },
      handler: async (req, res) => {
        const id = await sendTestEmail(deps, req.ctx.acting, { to: req.body.to });
        res.status(202).json(presentOutbox((await getOutboxMessage(deps.db, id))!));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/outbox/letters.pdf',
      access: LETTER_PRINTERS,
      tags: ['outbox'],
      summary: 'One PDF with every letter waiting to be printed',
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
      handler: async (req, res) => {
        const { pdf } = await letterBundle(deps, req.ctx.acting);
        res.type('application/pdf').setHeader('Content-Disposition', 'attachment; filename="courriers.pdf"');
        res.send(Buffer.from(pdf));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/outbox/letters/mark-printed',
      access: LETTER_PRINTERS,
      tags: ['outbox'],
      summary: 'Mark letters as printed and posted',
      body: MarkPrintedBody,
      responses: { 200: { description: 'How many were marked', schema: MarkPrintedResult } },
      handler: async (req, res) => {
        res.json({ printed: await markLettersPrinted(deps, req.ctx.acting, { ids: req.body.ids }) });
      },
    }),
  ];
}

export function outboxPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/outbox',
      access: OUTBOX_ADMINS,
      summary: 'Outbox page',
      query: OutboxQuery,
      handler: async (req, res) => {
        const result = await listOutbox(deps.db, { ...req.query, limit: req.query.limit ?? '50' });
        await page(deps, req, res, 'notifications/outbox.njk', {
          title: 'Messages envoyés et à envoyer',
          messages: result.items.map(presentOutbox),
          countLabels: countLabels(await countByStatus(deps.db)),
          filters: req.query,
          errors: fieldErrors([]),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/admin/outbox/test',
      access: OUTBOX_ADMINS,
      summary: 'Send a test e-mail',
      handler: async (req, res) => {
        const form = formBody(req);
        const checked = check(TestEmailBody, { to: typeof form.to === 'string' ? form.to.trim() : '' });
        if (!checked.ok) {
          const result = await listOutbox(deps.db, { limit: '50' });
          return page(
            deps,
            req,
            res,
            'notifications/outbox.njk',
            {
              title: 'Messages envoyés et à envoyer',
              messages: result.items.map(presentOutbox),
              countLabels: countLabels(await countByStatus(deps.db)),
              filters: {},
              errors: fieldErrors(checked.details),
              testTo: form.to,
            },
            400,
          );
        }
        await sendTestEmail(deps, req.ctx.acting, { to: checked.value.to });
        await flash(deps, req, 'success', 'Un e-mail de test a été mis en file d’envoi.');
        res.redirect(303, '/admin/outbox');
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/admin/outbox/:id/retry',
      access: OUTBOX_ADMINS,
      summary: 'Retry a message',
      params: obj({ id: RecordId('outbox_messages') }),
      handler: async (req, res) => {
        await retryMessage(deps, req.ctx.acting, req.params.id);
        await flash(deps, req, 'success', 'Le message sera renvoyé dans quelques secondes.');
        res.redirect(303, '/admin/outbox');
      },
    }),
  ];
}
