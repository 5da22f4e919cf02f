import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { page } from '../shared/pages.js';
import { AuditList, AuditQuery, ChainReportView, SignedCheckpointFile } from './schemas.js';
import { listAuditEvents, presentAuditEvent } from './repo.js';
import { sealAudit } from './seal.js';
import { auditHead, verifyAuditChain } from './verify.js';
import { downloadCheckpoint } from './download-checkpoint.js';
import { auditPublicKey } from './public-key.js';
import { AUDIT_READERS } from './policy.js';
import { auditError } from './errors.js';

export function auditRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/audit',
      access: AUDIT_READERS,
      tags: ['audit'],
      summary: 'Audit events (ids and codes only), filtered and paginated; with the chain head',
      query: AuditQuery,
      responses: { 200: { description: 'A page of events', schema: AuditList } },
      handler: async (req, res) => {
        await sealAudit(deps, 5000, 'recent');
        const settings = await req.ctx.acting.settings();
        const page = await listAuditEvents(deps.db, req.query, settings.timeZone);
        res.json({
          items: page.items.map(presentAuditEvent),
          nextCursor: page.nextCursor,
          head: await auditHead(deps.db),
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/audit/verify',
      access: AUDIT_READERS,
      tags: ['audit'],
      summary:
        'Seal pending events and verify the whole chain (keyed hashes, signed checkpoints); reports the first broken link or a truncation',
      responses: { 200: { description: 'Verification report', schema: ChainReportView } },
      handler: async (_req, res) => {
        await sealAudit(deps);
        res.json(await verifyAuditChain(deps));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/audit/checkpoint',
      access: AUDIT_READERS,
      tags: ['audit'],
      summary: 'The latest signed checkpoint of the audit chain (Ed25519), signed now over the verified head; audited',
      responses: {
        200: { description: 'Signed checkpoint (application/json attachment)', schema: SignedCheckpointFile },
      },
      errors: ['checkpoint_not_extended'],
      handler: async (req, res) => {
        const file = await downloadCheckpoint(deps, req.ctx.acting);
        if (!file) throw auditError('checkpoint_not_extended');
        res.type('application/json').setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
        res.send(file.text);
      },
    }),
  ];
}

export function auditPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/audit',
      access: AUDIT_READERS,
      summary: 'Audit log page',
      query: AuditQuery,
      handler: async (req, res) => {
        await sealAudit(deps, 5000, 'recent');
        const settings = await req.ctx.acting.settings();
        const result = await listAuditEvents(
          deps.db,
          { ...req.query, limit: req.query.limit ?? '50' },
          settings.timeZone,
        );
        const params = new URLSearchParams(
          Object.entries(req.query).filter(([k, v]) => k !== 'cursor' && typeof v === 'string') as [string, string][],
        );
        await page(deps, req, res, 'audit/list.njk', {
          title: 'Journal d’audit',
          events: result.items.map(presentAuditEvent),
          head: await auditHead(deps.db),
          publicKey: auditPublicKey(deps.config),
          filters: req.query,
          nextHref: result.nextCursor
            ? `/admin/audit?${params.toString()}${params.size ? '&' : ''}cursor=${result.nextCursor}`
            : null,
        });
      },
    }),
  ];
}
