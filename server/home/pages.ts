import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AUTHENTICATED, type Access } from '../shared/authorize.js';
import { ADMIN_INDEX_READERS } from './policy.js';
import { navItemsFor } from '../shared/render.js';
import { page } from '../shared/pages.js';

/** What each capability will offer, shown on its page until it is built. */
const COMING: { path: string; title: string; access: Access; text: string; items: string[] }[] = [];

export function homePages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/',
      access: AUTHENTICATED,
      summary: 'Dashboard',
      handler: async (req, res) => {
        const actor = req.ctx.actor!;
        const cards = navItemsFor(actor).filter((n) => n.href !== '/');
        await page(deps, req, res, 'home/dashboard.njk', { title: 'Tableau de bord', cards, coming: COMING });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin',
      access: ADMIN_INDEX_READERS,
      summary: 'Administration index',
      handler: async (req, res) => {
        await page(deps, req, res, 'home/admin.njk', { title: 'Administration' });
      },
    }),
    ...COMING.map((c) =>
      defineRoute({
        kind: 'page',
        method: 'get',
        path: c.path,
        access: c.access,
        summary: `${c.title} (coming)`,
        handler: async (req, res) => {
          await page(deps, req, res, 'home/coming.njk', { title: c.title, section: c });
        },
      }),
    ),
  ];
}
