import type { Response } from 'express';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AppError, type ErrorDetail } from '../shared/errors.js';
import { flash } from '../auth/index.js';
import { activePartnerOptions } from '../partners/index.js';
import { page, formBody, type PageRequest } from '../shared/pages.js';
import { ParticipantCreateBody, ParticipantIdParams, ParticipantPatchBody } from './schemas.js';
import { PARTICIPANT_WRITERS } from './policy.js';
import { readParticipant } from './read-participants.js';
import { registerParticipant, DUPLICATE_CODE } from './register-participant.js';
import { updateParticipant } from './update-participant.js';
import { getParticipant } from './repo.js';
import { liveConsentPurposes as livePurposes } from '../consents/index.js';
import { presentParticipant, type ParticipantView } from './presenter.js';
import { formErrors, formProblems, formValuesOf, inputFromForm, type FormValues } from './form.js';
import { EMPTY_STATE, stateFromRow } from './rules.js';
import * as labels from './labels.js';
import { LABELS } from './pages.js';
import { localDay } from '../shared/dates.js';
import { participantsError } from './errors.js';

/** Select options of the participant form. */
async function formOptions(deps: Deps, values: FormValues) {
  const partners = await activePartnerOptions(deps.db);
  return {
    civilityOptions: labels.options(labels.CIVILITY_LABELS, 'Non précisée'),
    channelOptions: labels.options(labels.CHANNEL_LABELS, 'Choisir automatiquement'),
    partnerOptions: [{ value: '', label: 'Aucune' }, ...partners.map((p) => ({ value: p.id, label: p.name }))],
    ageBandOptions: labels.options(labels.AGE_BAND_LABELS, 'Non renseignée'),
    activityOptions: labels.options(labels.ACTIVITY_LABELS, 'Non renseignée'),
    householdOptions: labels.options(labels.HOUSEHOLD_LABELS, 'Non renseigné'),
    needOptions: Object.entries(labels.NEED_LABELS).map(([value, label]) => ({
      value,
      label,
      checked: (values.needs as string[] | undefined)?.includes(value) ?? false,
    })),
  };
}

type DuplicateDetail = ErrorDetail & { id?: string; matches?: string[] };

export function formPages(deps: Deps) {
  const renderNew = async (
    req: PageRequest,
    res: Response,
    values: FormValues,
    errors: Record<string, string>,
    duplicates: { view: ParticipantView; reason: string }[] = [],
    status = 200,
  ) =>
    page(
      deps,
      req,
      res,
      'participants/new.njk',
      {
        title: 'Nouvelle fiche participant',
        values,
        errors,
        duplicates,
        labels: LABELS,
        ...(await formOptions(deps, values)),
      },
      status,
    );

  const renderEdit = async (
    req: PageRequest,
    res: Response,
    p: ParticipantView,
    values: FormValues,
    errors: Record<string, string>,
    consent: { needs: boolean; profile: boolean },
    status = 200,
  ) =>
    page(
      deps,
      req,
      res,
      'participants/edit.njk',
      {
        title: `Modifier la fiche ${p.reference}`,
        p,
        participantId: p.id,
        values,
        errors,
        consent,
        labels: LABELS,
        ...(await formOptions(deps, values)),
      },
      status,
    );

  const today = async (req: PageRequest) => localDay(req.ctx.acting.now, (await req.ctx.acting.settings()).timeZone);

  const consentsOf = async (req: PageRequest, id: string) => {
    const live = await livePurposes(deps.db, id, await today(req));
    return { needs: live.has('needs'), profile: live.has('profile') };
  };

  const editable = async (req: PageRequest, id: string) => {
    const { row, view } = await readParticipant(deps, req.ctx.acting, { id, via: 'page' });
    if (row.merged_into_id || row.status !== 'active') throw participantsError('participant_not_editable');
    return { row, view };
  };

  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/new',
      access: PARTICIPANT_WRITERS,
      summary: 'New participant form',
      handler: async (req, res) => renderNew(req, res, { needs: [] }, {}),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants',
      access: PARTICIPANT_WRITERS,
      summary: 'Register a participant from the form (with the duplicate warning and its override)',
      handler: async (req, res) => {
        const { values, input, errors } = inputFromForm(formBody(req), {
          mode: 'create',
          needs: false,
          profile: false,
        });
        Object.assign(errors, {
          ...formProblems(ParticipantCreateBody, input, EMPTY_STATE, {
            today: await today(req),
            chooseChannel: !input.preferredChannel,
          }),
          ...errors,
        });
        // A reason too short still shows the duplicates again: try without the override.
        const reasonOnly = Object.keys(errors).length === 1 && !!errors.overrideReason;
        if (reasonOnly) delete input.override;
        if (!Object.keys(errors).length || reasonOnly) {
          try {
            const created = await registerParticipant(deps, req.ctx.acting, input as ParticipantCreateBody);
            await flash(deps, req, 'success', `La fiche ${created.reference} a été créée.`);
            return res.redirect(303, `/participants/${created.id}`);
          } catch (e) {
            if (!(e instanceof AppError) || e.status >= 500 || (!e.details.length && e.code !== DUPLICATE_CODE))
              throw e;
            if (e.code === DUPLICATE_CODE) {
              const duplicates = [];
              for (const d of e.details as DuplicateDetail[]) {
                const row = d.id ? await getParticipant(deps.db, d.id) : undefined;
                if (row)
                  duplicates.push({
                    view: presentParticipant(row, req.ctx.acting.actor),
                    reason: d.message.split(' : ').slice(1).join(' : '),
                  });
              }
              return renderNew(req, res, values, errors, duplicates, 409);
            }
            Object.assign(errors, formErrors(e.details));
          }
        }
        await renderNew(req, res, values, errors, [], 400);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/:id/edit',
      access: PARTICIPANT_WRITERS,
      summary: 'Edit a participant',
      params: ParticipantIdParams,
      handler: async (req, res) => {
        const { view } = await editable(req, req.params.id);
        await renderEdit(req, res, view, formValuesOf(view), {}, await consentsOf(req, view.id));
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/:id',
      access: PARTICIPANT_WRITERS,
      summary: 'Save a participant from the edit form',
      params: ParticipantIdParams,
      handler: async (req, res) => {
        const { row, view } = await editable(req, req.params.id);
        const consent = await consentsOf(req, view.id);
        const { values, input, errors } = inputFromForm(formBody(req), { mode: 'edit', ...consent });
        Object.assign(errors, {
          ...formProblems(ParticipantPatchBody, input, stateFromRow(row), {
            today: await today(req),
            chooseChannel: false,
          }),
          ...errors,
        });
        if (!Object.keys(errors).length) {
          try {
            await updateParticipant(deps, req.ctx.acting, { id: view.id, patch: input as ParticipantPatchBody });
            await flash(deps, req, 'success', 'La fiche a été enregistrée.');
            return res.redirect(303, `/participants/${view.id}`);
          } catch (e) {
            if (!(e instanceof AppError) || e.status >= 500 || !e.details.length) throw e;
            Object.assign(errors, formErrors(e.details));
          }
        }
        await renderEdit(req, res, view, values, errors, consent, 400);
      },
    }),
  ];
}
