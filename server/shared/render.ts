import path from 'node:path';
import { randomUUID } from 'node:crypto';
import nunjucks from 'nunjucks';
import type { Request, Response } from 'express';
import { limitedToGrants, rolesOpen, type Actor, type Role } from './authorize.js';
import { formatDateTime, formatDate } from './format.js';
import { formatCents } from './money.js';
import { PROJECT_ROOT } from './paths.js';

export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');

/** Templates autoescape everything; `| safe` is not used on user data. */
export const templates = new nunjucks.Environment(
  new nunjucks.FileSystemLoader(TEMPLATES_DIR, { noCache: process.env.NODE_ENV !== 'production' }),
  {
    autoescape: true,
    throwOnUndefined: false,
  },
);
templates.addFilter('cents', (v: number) => formatCents(v));
templates.addFilter('datetime', (v: Date | string | null, tz?: string) => (v ? formatDateTime(v, tz) : ''));
// A page form that creates money rows carries a fresh key: submitting it twice creates once (shared/http.ts keyedFormWork).
templates.addGlobal(
  'idempotencyKeyField',
  () => new nunjucks.runtime.SafeString(`<input type="hidden" name="idempotencyKey" value="${randomUUID()}">`),
);
templates.addFilter('date', (v: Date | string | null, tz?: string) => (v ? formatDate(v, tz) : ''));

export interface NavItem {
  href: string;
  label: string;
  roles: readonly Role[] | 'any';
  /** Shown to auditors limited to some grants (their pages apply the scope). */
  scopedAuditors?: true;
}

/** The staff navigation, by capability. */
export const NAV: NavItem[] = [
  { href: '/', label: 'Tableau de bord', roles: 'any' },
  {
    href: '/participants',
    label: 'Participants',
    roles: ['staff', 'project_lead', 'finance', 'dpo', 'auditor', 'admin'],
  },
  { href: '/sessions', label: 'Sessions & lieux', roles: ['staff', 'project_lead', 'auditor', 'admin'] },
  { href: '/claims', label: 'Remboursements', roles: ['staff', 'project_lead', 'finance', 'auditor'] },
  { href: '/payments', label: 'Paiements', roles: ['finance', 'auditor'] },
  { href: '/grants', label: 'Financements', roles: ['project_lead', 'finance', 'auditor'], scopedAuditors: true },
  { href: '/expenses', label: 'Dépenses', roles: ['project_lead', 'finance', 'auditor'], scopedAuditors: true },
  { href: '/privacy', label: 'Données personnelles', roles: ['dpo', 'admin'] },
  { href: '/admin', label: 'Administration', roles: ['admin', 'dpo', 'auditor'] },
];

/** The entries of the navigation this actor may open (the routes behind them apply the same rule). */
export function navItemsFor(actor: Actor): NavItem[] {
  return NAV.filter((n) => n.roles === 'any' || rolesOpen(actor, n.roles, !!n.scopedAuditors));
}

export function navFor(actor: Actor | null, currentPath: string) {
  // With a password change pending, every other page redirects to /account: link nowhere else.
  if (!actor || actor.mustChangePassword) return [];
  return navItemsFor(actor).map((n) => ({
    ...n,
    current: n.href === '/' ? currentPath === '/' : currentPath === n.href || currentPath.startsWith(`${n.href}/`),
  }));
}

export interface PageLocals {
  actor: Actor | null;
  csrfToken: string;
  flash: { type: string; message: string } | null;
  timeZone: string;
  orgName: string;
}

/** Renders a page template inside the layout, with the request's navigation, CSRF token and flash message. */
export function renderPage(
  req: Pick<Request, 'path'>,
  res: Response,
  template: string,
  locals: PageLocals,
  vars: Record<string, unknown> = {},
  status = 200,
): void {
  const html = templates.render(template, {
    ...vars,
    actor: locals.actor,
    // An auditor limited to some grants and nothing else: pages link them only where they may go.
    limitedToGrants: limitedToGrants(locals.actor),
    nav: navFor(locals.actor, req.path),
    csrfToken: locals.csrfToken,
    flash: locals.flash,
    tz: locals.timeZone,
    orgName: locals.orgName,
    currentPath: req.path,
  });
  res.status(status).type('html').send(html);
}
