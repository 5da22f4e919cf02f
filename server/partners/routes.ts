import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { notFound } from '../shared/errors.js';
import {
  PartnerCreateBody,
  PartnerIdParams,
  PartnerList,
  PartnerListQuery,
  PartnerPatchBody,
  PartnerView,
} from './schemas.js';
import { getPartner, listPartners } from './repo.js';
import { presentPartner } from './presenter.js';
import { createPartner, updatePartner } from './manage-partners.js';
import { PARTNER_READERS, PARTNER_WRITERS } from './policy.js';

export function partnerRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/partners',
      access: PARTNER_READERS,
      tags: ['partners'],
      summary: 'Partners (structures relais): search (q), filter (active), sort (name, createdAt), cursor pagination',
      query: PartnerListQuery,
      responses: { 200: { description: 'A page of partners', schema: PartnerList } },
      handler: async (req, res) => {
        const page = await listPartners(deps.db, req.query);
        res.json({
          items: page.items.map((p) => presentPartner(p, req.ctx.acting.actor)),
          nextCursor: page.nextCursor,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/partners',
      access: PARTNER_WRITERS,
      tags: ['partners'],
      summary: 'Create a partner (name unique whatever the case)',
      body: PartnerCreateBody,
      responses: { 201: { description: 'Created', schema: PartnerView } },
      errors: ['partner_name_taken'],
      handler: async (req, res) => {
        res.status(201).json(await createPartner(deps, req.ctx.acting, req.body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/partners/:id',
      access: PARTNER_READERS,
      tags: ['partners'],
      summary: 'One partner',
      params: PartnerIdParams,
      responses: { 200: { description: 'Partner', schema: PartnerView } },
      handler: async (req, res) => {
        const partner = await getPartner(deps.db, req.params.id);
        if (!partner) throw notFound('Structure relais');
        res.json(presentPartner(partner, req.ctx.acting.actor));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/partners/:id',
      access: PARTNER_WRITERS,
      tags: ['partners'],
      summary: 'Change a partner; `active: false` deactivates it (no new participant may be linked to it)',
      params: PartnerIdParams,
      body: PartnerPatchBody,
      responses: { 200: { description: 'Partner', schema: PartnerView } },
      errors: ['partner_name_taken'],
      handler: async (req, res) => {
        res.json(await updatePartner(deps, req.ctx.acting, { id: req.params.id, patch: req.body }));
      },
    }),
  ];
}
