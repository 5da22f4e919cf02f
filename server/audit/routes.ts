import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { roles } from '../shared/authorize.js';
import { getSettings } from '../settings/index.js';
import { page } from '../web.js';
import { AuditList, AuditQuery, ChainReportView } from './schemas.js';
import { listAuditEvents, presentAuditEvent } from './repo.js';
import { sealAudit } from './record.js';
import { auditHead, verifyAuditChain } from './verify.js';

export const AUDIT_READERS = roles('admin', 'dpo', 'auditor');

export function auditRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get', path: '/api/audit', access: AUDIT_READERS, tags: ['audit'],
      summary: 'Audit events (ids and codes only), filtered and paginated; with the chain head',
      query: AuditQuery,
      responses: { 200: { description: 'A page of events', schema: AuditList } },
      handler: async (req, res) => {
        await sealAudit(deps.db);
        const { settings } = await getSettings(deps.db);
        const page = await listAuditEvents(deps.db, req.query, settings.timeZone);
        res.json({ items: page.items.map(presentAuditEvent), nextCursor: page.nextCursor, head: await auditHead(deps.db) });
      },
    }),
    defineRoute({
      method: 'post', path: '/api/audit/verify', access: AUDIT_READERS, tags: ['audit'],
      summary: 'Seal pending events and verify the whole hash chain; reports the first broken link',
      responses: { 200: { description: 'Verification report', schema: ChainReportView } },
      handler: async (_req, res) => {
        await sealAudit(deps.db);
        res.json(await verifyAuditChain(deps.db));
      },
    }),
  ];
}

export function auditPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page', method: 'get', path: '/admin/audit', access: AUDIT_READERS, summary: 'Audit log page', query: AuditQuery,
      handler: async (req, res) => {
        await sealAudit(deps.db);
        const { settings } = await getSettings(deps.db);
        const result = await listAuditEvents(deps.db, { ...req.query, limit: req.query.limit ?? '50' }, settings.timeZone);
        const params = new URLSearchParams(Object.entries(req.query).filter(([k, v]) => k !== 'cursor' && typeof v === 'string') as [string, string][]);
        await page(deps, req, res, 'admin/audit.njk', {
          title: 'Journal d’audit',
          events: result.items.map(presentAuditEvent),
          head: await auditHead(deps.db),
          filters: req.query,
          nextHref: result.nextCursor ? `/admin/audit?${params.toString()}${params.size ? '&' : ''}cursor=${result.nextCursor}` : null,
        });
      },
    }),
  ];
}
