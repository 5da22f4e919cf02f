import type { Response } from 'express';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AppError, notFound } from '../shared/errors.js';
import { check } from '../shared/validate.js';
import { flash } from '../auth/index.js';
import { page, formBody, fieldErrors, type PageRequest } from '../shared/pages.js';
import {
  EraseBody,
  ERASURE_REASONS,
  OUTCOME_CODES,
  ParticipantIdParams,
  REQUEST_CHANNELS,
  REQUEST_KINDS,
  RequestCreateBody,
} from './schemas.js';
import { getParticipantLifecycle, requestsOfParticipant } from './repo.js';
import { presentRequest } from './presenter.js';
import { organisationToday, recordPrivacyRequest } from './requests.js';
import { eraseParticipant } from './erase-participant.js';
import { hasAccountingRecords } from './accounting-repo.js';
import { DPO_ONLY } from './policy.js';
import { labels } from './pages.js';
import { ERASURE_REASON_LABELS } from './labels.js';

const options = (codes: readonly string[], names: Record<string, string>) =>
  codes.map((c) => ({ value: c, label: names[c] ?? c }));
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The privacy tab of a participant (DPO): export, requests, erasure with a confirmation step. */
export function participantPrivacyPages(deps: Deps) {
  const render = async (
    req: PageRequest & { query: Record<string, unknown> },
    res: Response,
    id: string,
    form: { values?: Record<string, string>; errors?: Record<string, string> } = {},
    status = 200,
  ) => {
    const person = await getParticipantLifecycle(deps.db, id);
    if (!person) throw notFound('Personne');
    const today = await organisationToday(req.ctx.acting);
    const requests = (await requestsOfParticipant(deps.db, id)).map((r) => presentRequest(r, today));
    await page(
      deps,
      req,
      res,
      'privacy/participant.njk',
      {
        title: `Données personnelles — ${person.reference}`,
        participant: {
          id: person.id,
          reference: person.reference,
          status: person.status,
          name: [person.first_name, person.last_name].filter(Boolean).join(' '),
          lastContactAt: person.last_contact_at,
          archivedAt: person.archived_at,
          anonymisedAt: person.anonymised_at,
        },
        // For templates/participants/_tabs.njk.
        participantId: person.id,
        activeTab: 'privacy',
        requests,
        openErasureRequests: requests.filter((r) => r.status === 'open' && ['erasure', 'objection'].includes(r.kind)),
        keepsAccounting: await hasAccountingRecords(deps.db, id),
        confirmErase: req.query.confirm === 'erase',
        values: { receivedOn: today, ...(form.values ?? {}) },
        errors: form.errors ?? {},
        kindOptions: options(REQUEST_KINDS, labels.kinds),
        channelOptions: options(REQUEST_CHANNELS, labels.channels),
        outcomeOptions: options(OUTCOME_CODES, labels.outcomes),
        reasonOptions: options(ERASURE_REASONS, ERASURE_REASON_LABELS),
        labels,
      },
      status,
    );
  };

  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/:id/privacy',
      access: DPO_ONLY,
      summary: 'Privacy tab of a participant',
      params: ParticipantIdParams,
      handler: async (req, res) => render(req, res, req.params.id),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/:id/privacy/requests',
      access: DPO_ONLY,
      summary: 'Record a privacy request from the form',
      params: ParticipantIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const values = {
          kind: str(form.kind),
          channel: str(form.channel),
          receivedOn: str(form.receivedOn).trim(),
          note: str(form.note),
        };
        const checked = check(RequestCreateBody, {
          participantId: req.params.id,
          ...values,
          note: values.note.trim() || null,
        });
        let errors = checked.ok ? {} : fieldErrors(checked.details);
        if (checked.ok) {
          try {
            const created = await recordPrivacyRequest(deps, req.ctx.acting, checked.value as RequestCreateBody);
            await flash(
              deps,
              req,
              'success',
              `Demande ${created.reference} enregistrée : réponse due au plus tard le ${created.dueOn.split('-').reverse().join('/')}.`,
            );
            return res.redirect(303, `/participants/${req.params.id}/privacy`);
          } catch (e) {
            if (!(e instanceof AppError) || e.status !== 400) throw e;
            errors = fieldErrors(e.details);
          }
        }
        await render(req, res, req.params.id, { values, errors }, 400);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/:id/privacy/erase',
      access: DPO_ONLY,
      summary: 'Erase a person after confirmation',
      params: ParticipantIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const checked = check(EraseBody, { reasonCode: str(form.reasonCode), requestId: str(form.requestId) || null });
        if (!checked.ok) throw new AppError('validation_failed', undefined, checked.details);
        const result = await eraseParticipant(deps, req.ctx.acting, {
          participantId: req.params.id,
          ...(checked.value as EraseBody),
        });
        await flash(
          deps,
          req,
          'success',
          result.outcome === 'anonymised'
            ? `Les données de ${result.reference} sont anonymisées : plus rien ne permet d’identifier la personne.`
            : `Le dossier ${result.reference} est archivé : seules les données exigées par la comptabilité publique restent, en accès restreint.`,
        );
        res.redirect(303, `/participants/${req.params.id}/privacy`);
      },
    }),
  ];
}
