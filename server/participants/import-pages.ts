import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AppError } from '../shared/errors.js';
import { flash } from '../auth/index.js';
import { page, fieldErrors } from '../shared/pages.js';
import { ImportIdParams } from './schemas.js';
import { PARTICIPANT_WRITERS } from './policy.js';
import { cancelImport, confirmImport, getImport, previewImport } from './import-participants.js';
import { IMPORT_FIELDS, IMPORT_FIELD_LABELS, MAX_IMPORT_BYTES } from './import-parse.js';
import { LABELS } from './pages.js';

/** The upload form's text fields: an optional JSON mapping, or one select per column (`col_N`) with its header (`header_N`). */
const UploadForm = Type.Record(
  Type.String({ pattern: '^(mapping|col_[0-9]{1,3}|header_[0-9]{1,3})$' }),
  Type.String({ maxLength: 10_000 }),
  { maxProperties: 600 },
);

/** `col_N`/`header_N` pairs → the JSON mapping the use case reads. */
function mappingFromForm(body: Record<string, string>): string | undefined {
  if (body.mapping) return body.mapping;
  const mapping: Record<string, string | null> = {};
  for (const [key, header] of Object.entries(body)) {
    const m = /^header_(\d+)$/.exec(key);
    if (m) mapping[header] = body[`col_${m[1]}`] || null;
  }
  return Object.keys(mapping).length ? JSON.stringify(mapping) : undefined;
}

const fieldOptions = [
  { value: '', label: 'Ignorer cette colonne' },
  ...IMPORT_FIELDS.map((f) => ({ value: f, label: IMPORT_FIELD_LABELS[f] })),
];

export function importPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/imports',
      access: PARTICIPANT_WRITERS,
      summary: 'Import participants: upload form',
      handler: async (req, res) => {
        await page(deps, req, res, 'participants/import.njk', {
          title: 'Importer des participants',
          errors: {},
          fieldLabels: IMPORT_FIELD_LABELS,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/imports',
      access: PARTICIPANT_WRITERS,
      summary: 'Import participants: read the file and show the preview',
      upload: { field: 'file', maxBytes: MAX_IMPORT_BYTES },
      body: UploadForm,
      handler: async (req, res) => {
        try {
          const view = await previewImport(deps, req.ctx.acting, {
            file: req.file,
            mapping: mappingFromForm(req.body),
          });
          return res.redirect(303, `/participants/imports/${view.importId}`);
        } catch (e) {
          if (!(e instanceof AppError) || e.status !== 400) throw e;
          const errors = fieldErrors(e.details.map((d) => (d.field === 'mapping' ? { ...d, field: 'file' } : d)));
          await page(
            deps,
            req,
            res,
            'participants/import.njk',
            { title: 'Importer des participants', errors, allErrors: e.details, fieldLabels: IMPORT_FIELD_LABELS },
            400,
          );
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/imports/:id',
      access: PARTICIPANT_WRITERS,
      summary: 'Import participants: preview, errors per row, confirm or cancel',
      params: ImportIdParams,
      handler: async (req, res) => {
        const view = await getImport(deps, req.ctx.acting, req.params.id);
        await page(deps, req, res, 'participants/import-preview.njk', {
          title: 'Aperçu de l’import',
          imp: view,
          fieldOptions,
          fieldLabels: { ...LABELS.fields, ...IMPORT_FIELD_LABELS, rows: 'Ligne' },
          labels: LABELS,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/imports/:id/confirm',
      access: PARTICIPANT_WRITERS,
      summary: 'Import participants: create the valid rows',
      params: ImportIdParams,
      handler: async (req, res) => {
        try {
          const result = await confirmImport(deps, req.ctx.acting, req.params.id);
          await flash(
            deps,
            req,
            'success',
            `${result.createdCount} fiche${result.createdCount > 1 ? 's' : ''} créée${result.createdCount > 1 ? 's' : ''} par l’import.`,
          );
          return res.redirect(303, '/participants?sort=-createdAt');
        } catch (e) {
          if (!(e instanceof AppError) || e.status !== 409) throw e;
          await flash(deps, req, 'error', e.message);
          return res.redirect(303, `/participants/imports/${req.params.id}`);
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/imports/:id/cancel',
      access: PARTICIPANT_WRITERS,
      summary: 'Import participants: cancel',
      params: ImportIdParams,
      handler: async (req, res) => {
        await cancelImport(deps, req.ctx.acting, req.params.id);
        await flash(deps, req, 'info', 'L’import a été annulé ; les lignes lues ont été effacées.');
        res.redirect(303, '/participants/imports');
      },
    }),
  ];
}
