import type { Response } from 'express';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AppError, notFound } from '../shared/errors.js';
import { obj, Uuid } from '../shared/schema.js';
import { check } from '../shared/validate.js';
import { flash } from '../auth/index.js';
import { page, formBody, fieldErrors, type PageRequest } from '../shared/pages.js';
import {
  CHANNELS,
  CHANNEL_LABELS,
  ConsentCreateBody,
  ConsentWithdrawBody,
  ParticipantIdParams,
  STATUS_LABELS,
  WITHDRAWAL_CHANNELS,
  WithdrawParams,
} from './schemas.js';
import { getParticipant, listActiveStaff, listConsents, listPurposes } from './repo.js';
import { presentConsent } from './presenter.js';
import { organisationToday } from './consent-rules.js';
import { recordConsent } from './record-consent.js';
import { withdrawConsent } from './withdraw-consent.js';
import { CONSENT_READERS, CONSENT_RECORDERS, canReadEvidence, canRecordConsents } from './policy.js';

type Values = Record<string, string>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const options = (values: readonly string[]) =>
  values.map((v) => ({ value: v, label: CHANNEL_LABELS[v as keyof typeof CHANNEL_LABELS] }));

/** What withdrawing each purpose does at once, told to the person who confirms it. */
const WITHDRAWAL_EFFECTS: Record<string, string> = {
  profile: 'Le profil (tranche d’âge, situation, foyer, commune) sera effacé tout de suite.',
  needs: 'Les besoins enregistrés (accessibilité, interprète, garde…) seront effacés tout de suite.',
  contact:
    'La personne ne sera plus contactée directement ; si une structure relais l’accompagne, les messages passeront par elle.',
};

interface PageState {
  values?: Values;
  errors?: Record<string, string>;
  withdrawId?: string;
  withdrawValues?: Values;
  withdrawErrors?: Record<string, string>;
}

export function consentPages(deps: Deps) {
  const render = async (
    req: PageRequest,
    res: Response,
    participantId: string,
    state: PageState = {},
    status = 200,
  ) => {
    const participant = await getParticipant(deps.db, participantId);
    if (!participant) throw notFound('Participant');
    const today = await organisationToday(req.ctx.acting);
    const consents = (await listConsents(deps.db, participantId)).map((c) => presentConsent(c, today));
    const canRecord = canRecordConsents(req.ctx.acting.actor);
    const purposes = await listPurposes(deps.db, { activeOnly: true });
    const withdrawing = state.withdrawId
      ? (consents.find((c) => c.id === state.withdrawId && (c.status === 'live' || c.status === 'expired')) ?? null)
      : null;
    await page(
      deps,
      req,
      res,
      'consents/participant.njk',
      {
        title: `Consentements — ${participant.reference}`,
        participant: {
          ...participant,
          fullName: [participant.first_name, participant.last_name].filter(Boolean).join(' ') || participant.reference,
        },
        consents,
        statusLabels: STATUS_LABELS,
        channelLabels: CHANNEL_LABELS,
        canRecord: canRecord && participant.status === 'active' && !participant.merged_into_id,
        canReadEvidence: canReadEvidence(req.ctx.acting.actor),
        purposeOptions: [
          { value: '', label: '— Choisir —' },
          ...purposes.map((p) => ({ value: p.code, label: `${p.label} (texte n° ${p.text_version})` })),
        ],
        channelOptions: options(CHANNELS),
        withdrawalChannelOptions: options(WITHDRAWAL_CHANNELS),
        witnessOptions: canRecord
          ? [
              { value: '', label: '— Aucun —' },
              ...(await listActiveStaff(deps.db)).map((u) => ({ value: u.id, label: u.name })),
            ]
          : [],
        values: state.values ?? { givenOn: today, channel: 'paper' },
        errors: state.errors ?? {},
        withdrawing,
        withdrawEffect: withdrawing ? (WITHDRAWAL_EFFECTS[withdrawing.purposeCode] ?? '') : '',
        withdrawValues: state.withdrawValues ?? { withdrawnOn: today, withdrawalChannel: 'paper' },
        withdrawErrors: state.withdrawErrors ?? {},
        today,
      },
      status,
    );
  };

  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/:id/consents',
      access: CONSENT_READERS,
      summary: 'Consents of a participant',
      params: ParticipantIdParams,
      query: obj({ withdraw: Type.Optional(Uuid) }),
      handler: async (req, res) => render(req, res, req.params.id, { withdrawId: req.query.withdraw }),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/:id/consents',
      access: CONSENT_RECORDERS,
      summary: 'Record a consent from the form (multipart, optional evidence file)',
      params: ParticipantIdParams,
      upload: { field: 'evidence' },
      handler: async (req, res) => {
        const form = formBody(req);
        const values: Values = {
          purposeCode: str(form.purposeCode),
          channel: str(form.channel),
          witnessUserId: str(form.witnessUserId),
          givenOn: str(form.givenOn),
          expiresOn: str(form.expiresOn),
        };
        const input = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
        const checked = check(ConsentCreateBody, input);
        let errors = checked.ok ? {} : fieldErrors(checked.details);
        if (checked.ok) {
          try {
            const { supersededConsentId } = await recordConsent(deps, req.ctx.acting, {
              participantId: req.params.id,
              consent: checked.value,
              evidence: req.file,
            });
            await flash(
              deps,
              req,
              'success',
              supersededConsentId
                ? 'Le consentement a été enregistré ; il remplace le précédent pour cette finalité.'
                : 'Le consentement a été enregistré.',
            );
            return res.redirect(303, `/participants/${req.params.id}/consents`);
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
      path: '/participants/:id/consents/:consentId/withdraw',
      access: CONSENT_RECORDERS,
      summary: 'Withdraw a consent from the confirmation form',
      params: WithdrawParams,
      handler: async (req, res) => {
        const form = formBody(req);
        // The form names its channel `withdrawalChannel`: the record form on the same page has its own `channel`.
        const values: Values = { withdrawnOn: str(form.withdrawnOn), withdrawalChannel: str(form.withdrawalChannel) };
        const input = { withdrawnOn: values.withdrawnOn || undefined, channel: values.withdrawalChannel || undefined };
        const checked = check(
          ConsentWithdrawBody,
          Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
        );
        const rename = (errs: Record<string, string>) =>
          Object.fromEntries(Object.entries(errs).map(([k, v]) => [k === 'channel' ? 'withdrawalChannel' : k, v]));
        let errors = checked.ok ? {} : rename(fieldErrors(checked.details));
        if (checked.ok) {
          try {
            await withdrawConsent(deps, req.ctx.acting, {
              participantId: req.params.id,
              consentId: req.params.consentId,
              withdrawal: checked.value,
            });
            await flash(deps, req, 'success', 'Le retrait du consentement a été enregistré.');
            return res.redirect(303, `/participants/${req.params.id}/consents`);
          } catch (e) {
            if (!(e instanceof AppError) || e.status !== 400) throw e;
            errors = rename(fieldErrors(e.details));
          }
        }
        await render(
          req,
          res,
          req.params.id,
          { withdrawId: req.params.consentId, withdrawValues: values, withdrawErrors: errors },
          400,
        );
      },
    }),
  ];
}
