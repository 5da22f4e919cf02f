import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { notFound } from '../shared/errors.js';
import { parseEuros, centsToInput } from '../shared/money.js';
import { checked, formFailure, integer, list, nullableText, text } from '../shared/form.js';
import { flash } from '../auth/index.js';
import { page, formBody } from '../shared/pages.js';
import {
  COST_MODE_LABELS,
  VENUE_ATTRIBUTE_LABELS,
  VENUE_ATTRIBUTES,
  VenueCreateBody,
  VenueIdParams,
  VenueListQuery,
  VenuePatchBody,
} from './schemas.js';
import { validate } from '../shared/validate.js';
import { getVenue, listVenues } from './repo.js';
import { presentVenue } from './presenter.js';
import { createVenue, updateVenue } from './manage-venues.js';
import { venueImportPages } from './import-pages.js';
import { VENUE_READERS, VENUE_WRITERS, mayWriteVenues } from './policy.js';
import { Type } from '@sinclair/typebox';
import { obj } from '../shared/schema.js';

const ATTRIBUTE_FIELDS: Record<string, string> = {
  step_free_access: 'stepFreeAccess',
  accessible_toilets: 'accessibleToilets',
  hearing_loop: 'hearingLoop',
  pmr_parking: 'pmrParking',
  childcare_space: 'childcareSpace',
};
const attributes = VENUE_ATTRIBUTES.map((a) => ({
  value: a,
  field: ATTRIBUTE_FIELDS[a],
  label: VENUE_ATTRIBUTE_LABELS[a],
}));
const costModes = Object.entries(COST_MODE_LABELS).map(([value, label]) => ({ value, label }));
/** The search form sends one `needs` per ticked box. */
const VenuePageQuery = obj({
  ...VenueListQuery.properties,
  needs: Type.Optional(
    Type.Union([Type.String({ maxLength: 40 }), Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })]),
  ),
});

function readForm(form: Record<string, string | string[]>) {
  const cost = text(form.cost);
  const input: Record<string, unknown> = {
    name: text(form.name),
    address: text(form.address),
    postalCode: nullableText(form.postalCode),
    communeInsee: nullableText(form.communeInsee),
    communeName: nullableText(form.communeName),
    capacity: integer(form.capacity) ?? '',
    transportAccess: text(form.transportAccess),
    costMode: text(form.costMode) || 'free',
    costCents: cost ? (parseEuros(cost) ?? cost) : 0,
    contactName: nullableText(form.contactName),
    contactPhone: nullableText(form.contactPhone),
    contactEmail: nullableText(form.contactEmail),
    notes: text(form.notes),
  };
  for (const a of attributes) input[a.field] = checked(form[a.field]);
  return input;
}

const rename = (f: string) => (f === 'costCents' ? 'cost' : f);

export function venuePages(deps: Deps) {
  return [
    ...venueImportPages(deps),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/venues',
      access: VENUE_READERS,
      summary: 'Venues: search',
      query: VenuePageQuery,
      handler: async (req, res) => {
        const needs = list(req.query.needs)
          .flatMap((n) => n.split(','))
          .filter((n) => (VENUE_ATTRIBUTES as readonly string[]).includes(n));
        const result = await listVenues(deps.db, {
          ...req.query,
          needs: needs.join(',') || undefined,
          limit: req.query.limit ?? '50',
        });
        await page(deps, req, res, 'venues/list.njk', {
          title: 'Lieux',
          venues: result.items.map(presentVenue),
          filters: { ...req.query, needs },
          attributes,
          costModes: COST_MODE_LABELS,
          canWrite: mayWriteVenues(req.ctx.acting.actor),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/venues/new',
      access: VENUE_WRITERS,
      summary: 'New venue form',
      handler: async (req, res) => {
        await page(deps, req, res, 'venues/form.njk', {
          title: 'Nouveau lieu',
          values: { costMode: 'free' },
          errors: {},
          attributes,
          costModes,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/venues',
      access: VENUE_WRITERS,
      summary: 'Create a venue from the form',
      handler: async (req, res) => {
        const form = formBody(req);
        try {
          await createVenue(deps, req.ctx.acting, validate(VenueCreateBody, readForm(form)));
          await flash(deps, req, 'success', 'Le lieu a été ajouté.');
          return res.redirect(303, '/venues');
        } catch (e) {
          const f = formFailure(e, rename);
          await page(
            deps,
            req,
            res,
            'venues/form.njk',
            {
              title: 'Nouveau lieu',
              values: { ...readForm(form), cost: form.cost, capacity: form.capacity },
              errors: f.errors,
              attributes,
              costModes,
            },
            400,
          );
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/venues/:id',
      access: VENUE_WRITERS,
      summary: 'Edit a venue',
      params: VenueIdParams,
      handler: async (req, res) => {
        const v = await getVenue(deps.db, req.params.id);
        if (!v) throw notFound('Lieu');
        const view = presentVenue(v);
        await page(deps, req, res, 'venues/form.njk', {
          title: `Lieu : ${v.name}`,
          venue: view,
          values: { ...view, cost: centsToInput(view.costCents) },
          errors: {},
          attributes,
          costModes,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/venues/:id',
      access: VENUE_WRITERS,
      summary: 'Save a venue from the form',
      params: VenueIdParams,
      handler: async (req, res) => {
        const v = await getVenue(deps.db, req.params.id);
        if (!v) throw notFound('Lieu');
        const form = formBody(req);
        try {
          await updateVenue(deps, req.ctx.acting, {
            id: v.id,
            patch: validate(VenuePatchBody, { ...readForm(form), active: checked(form.active) }),
          });
          await flash(deps, req, 'success', 'Le lieu a été enregistré.');
          return res.redirect(303, '/venues');
        } catch (e) {
          const f = formFailure(e, rename);
          await page(
            deps,
            req,
            res,
            'venues/form.njk',
            {
              title: `Lieu : ${v.name}`,
              venue: presentVenue(v),
              values: { ...readForm(form), cost: form.cost, capacity: form.capacity },
              errors: f.errors,
              attributes,
              costModes,
            },
            400,
          );
        }
      },
    }),
  ];
}
