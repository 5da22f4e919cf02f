import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AppError } from '../shared/errors.js';
import { obj } from '../shared/schema.js';
import { flash } from '../auth/index.js';
import { page } from '../shared/pages.js';
import { ImportIdParams } from './schemas.js';
import { confirmVenueImport, previewVenueImport } from './import-venues.js';
import { VENUE_WRITERS } from './policy.js';

/** Venue import pages: upload (multipart, CSRF token in the query), preview with per-row errors, confirm. */
export function venueImportPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/venues/import',
      access: VENUE_WRITERS,
      summary: 'Venue import form',
      handler: async (req, res) => {
        await page(deps, req, res, 'venues/import.njk', { title: 'Importer des lieux', errors: {} });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/venues/import',
      access: VENUE_WRITERS,
      summary: 'Preview a venue spreadsheet',
      upload: { field: 'file', maxBytes: 5 * 1024 * 1024 },
      body: obj({}),
      handler: async (req, res) => {
        try {
          const preview = await previewVenueImport(deps, req.ctx.acting, {
            file: (req as unknown as { file?: { buffer: Buffer } }).file,
          });
          await page(deps, req, res, 'venues/import.njk', {
            title: 'Importer des lieux : vérification',
            preview,
            errors: {},
          });
        } catch (e) {
          if (!(e instanceof AppError) || e.status !== 400) throw e;
          await page(
            deps,
            req,
            res,
            'venues/import.njk',
            { title: 'Importer des lieux', errors: { file: e.details[0]?.message ?? e.message } },
            400,
          );
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/venues/import/:id/confirm',
      access: VENUE_WRITERS,
      summary: 'Confirm a venue import',
      params: ImportIdParams,
      handler: async (req, res) => {
        try {
          const r = await confirmVenueImport(deps, req.ctx.acting, req.params.id);
          await flash(deps, req, 'success', `${r.created} lieu(x) importé(s).`);
        } catch (e) {
          if (!(e instanceof AppError) || e.status !== 409) throw e;
          await flash(deps, req, 'error', e.message);
        }
        res.redirect(303, '/venues');
      },
    }),
  ];
}
