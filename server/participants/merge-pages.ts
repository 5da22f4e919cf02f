import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AppError } from '../shared/errors.js';
import { flash } from '../auth/index.js';
import { page, formBody } from '../shared/pages.js';
import { ParticipantIdParams } from './schemas.js';
import { PARTICIPANT_WRITERS } from './policy.js';
import { readParticipant } from './read-participants.js';
import { mergeParticipants } from './merge-participants.js';
import { getByReference } from './repo.js';
import { LABELS } from './pages.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Merge in two steps: name the duplicate by its reference, then confirm after comparing both records. */
export function mergePages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/:id/merge',
      access: PARTICIPANT_WRITERS,
      summary: 'Merge a duplicate into this participant: choose it',
      params: ParticipantIdParams,
      handler: async (req, res) => {
        const { view } = await readParticipant(deps, req.ctx.acting, { id: req.params.id, via: 'page' });
        await page(deps, req, res, 'participants/merge.njk', {
          title: `Fusionner un doublon dans ${view.reference}`,
          kept: view,
          participantId: view.id,
          values: {},
          errors: {},
          labels: LABELS,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/:id/merge',
      access: PARTICIPANT_WRITERS,
      summary: 'Merge a duplicate into this participant: compare, then confirm',
      params: ParticipantIdParams,
      handler: async (req, res) => {
        const { acting } = req.ctx;
        const { view: kept } = await readParticipant(deps, acting, { id: req.params.id, via: 'page' });
        const form = formBody(req);
        const reference = typeof form.sourceReference === 'string' ? form.sourceReference.trim() : '';
        const render = (errors: Record<string, string>, status: number) =>
          page(
            deps,
            req,
            res,
            'participants/merge.njk',
            {
              title: `Fusionner un doublon dans ${kept.reference}`,
              kept,
              participantId: kept.id,
              values: { sourceReference: reference },
              errors,
              labels: LABELS,
            },
            status,
          );
        if (form.confirm === 'yes' && typeof form.sourceId === 'string' && UUID.test(form.sourceId)) {
          try {
            const result = await mergeParticipants(deps, acting, { keptId: kept.id, sourceId: form.sourceId });
            const moved = result.moved;
            await flash(
              deps,
              req,
              'success',
              `Fiches fusionnées : ${moved.consents} consentement(s), ${moved.payees} bénéficiaire(s) et ${moved.privacyRequests} demande(s) rattachés à ${kept.reference}.`,
            );
            return res.redirect(303, `/participants/${kept.id}`);
          } catch (e) {
            if (!(e instanceof AppError) || e.status >= 500) throw e;
            return render(
              { sourceReference: e.details[0]?.message ? `${e.message} (${e.details[0].message})` : e.message },
              e.status,
            );
          }
        }
        if (!reference)
          return render({ sourceReference: 'indiquez la référence de la fiche en double (ex. P-2026-00042)' }, 400);
        const found = await getByReference(deps.db, reference);
        if (!found) return render({ sourceReference: 'aucune fiche ne porte cette référence' }, 400);
        if (found.id === kept.id)
          return render({ sourceReference: 'c’est la fiche conservée : indiquez la fiche en double' }, 400);
        const { row: sourceRow, view: source } = await readParticipant(deps, acting, { id: found.id, via: 'lookup' });
        if (sourceRow.merged_into_id || sourceRow.status !== 'active')
          return render({ sourceReference: 'cette fiche est déjà fusionnée, archivée ou anonymisée' }, 409);
        await page(deps, req, res, 'participants/merge-confirm.njk', {
          title: 'Confirmer la fusion',
          kept,
          source,
          participantId: kept.id,
          labels: LABELS,
        });
      },
    }),
  ];
}
