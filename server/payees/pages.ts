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
  PAYEE_KINDS,
  PAYEE_KIND_LABELS,
  ParticipantIdParams,
  ParticipantPayeeParams,
  PayeeCreateBody,
  PayeePatchBody,
  type Warning,
} from './schemas.js';
import { getParticipant, getPayee, listActivePartners, listPayees } from './repo.js';
import { presentPayee } from './presenter.js';
import { createPayee } from './create-payee.js';
import { updatePayee } from './update-payee.js';
import { revealIban } from './reveal-iban.js';
import { groupByFour } from './iban.js';
import { IBAN_REVEALERS, PAYEE_READERS, PAYEE_WRITERS, canRevealIban, canWritePayees } from './policy.js';
import { OWN_IBAN_CODE } from './payee-rules.js';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const kindOptions = PAYEE_KINDS.map((k) => ({ value: k, label: PAYEE_KIND_LABELS[k] }));

async function participantOr404(deps: Deps, id: string) {
  const participant = await getParticipant(deps.db, id);
  if (!participant) throw notFound('Participant');
  return {
    ...participant,
    fullName: [participant.first_name, participant.last_name].filter(Boolean).join(' ') || participant.reference,
  };
}

/** The form errors of a refusal: the own-IBAN rule asks for a reason in the `overrideReason` field. */
function formErrors(e: AppError): Record<string, string> {
  if (e.code === OWN_IBAN_CODE) return { iban: e.message, overrideReason: 'indiquez le motif pour confirmer cet IBAN' };
  const errors = fieldErrors(e.details);
  if (errors['override.reason']) errors.overrideReason = errors['override.reason'];
  return errors;
}

const overrideOf = (reason: string) => (reason ? { override: { reason: reason.slice(0, 500) } } : {});

function withWarnings(message: string, warnings: Warning[]): string {
  return warnings.length ? `${message} Attention : ${warnings.map((w) => w.message).join(' ')}` : message;
}

export function payeePages(deps: Deps) {
  const renderList = async (
    req: PageRequest,
    res: Response,
    participantId: string,
    extra: { values?: Record<string, string>; errors?: Record<string, string>; reveal?: string } = {},
    status = 200,
  ) => {
    const participant = await participantOr404(deps, participantId);
    const actor = req.ctx.acting.actor;
    const payees = (await listPayees(deps.db, participantId)).map(presentPayee);
    const canWrite = canWritePayees(actor);
    await page(
      deps,
      req,
      res,
      'payees/list.njk',
      {
        title: `Bénéficiaires des paiements — ${participant.reference}`,
        participant,
        payees,
        kindLabels: PAYEE_KIND_LABELS,
        kindOptions,
        partnerOptions: canWrite
          ? [
              { value: '', label: '— Choisir —' },
              ...(await listActivePartners(deps.db)).map((p) => ({ value: p.id, label: p.name })),
            ]
          : [],
        canWrite,
        canReveal: canRevealIban(actor),
        revealPayee: extra.reveal ? (payees.find((p) => p.id === extra.reveal && p.ibanMasked) ?? null) : null,
        values: extra.values ?? { kind: 'participant' },
        errors: extra.errors ?? {},
      },
      status,
    );
  };

  const renderEdit = async (
    req: PageRequest,
    res: Response,
    participantId: string,
    payeeId: string,
    extra: { values?: Record<string, unknown>; errors?: Record<string, string> } = {},
    status = 200,
  ) => {
    const participant = await participantOr404(deps, participantId);
    const row = await getPayee(deps.db, payeeId);
    if (!row || row.participant_id !== participantId) throw notFound('Bénéficiaire');
    const payee = presentPayee(row);
    await page(
      deps,
      req,
      res,
      'payees/edit.njk',
      {
        title: `Modifier un bénéficiaire — ${participant.reference}`,
        participant,
        payee,
        kindLabels: PAYEE_KIND_LABELS,
        values: extra.values ?? { name: row.name ?? '', bic: row.bic ?? '', active: row.active },
        errors: extra.errors ?? {},
      },
      status,
    );
  };

  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/:id/payees',
      access: PAYEE_READERS,
      summary: 'Payees of a participant',
      params: ParticipantIdParams,
      query: obj({ reveal: Type.Optional(Uuid) }),
      handler: async (req, res) => renderList(req, res, req.params.id, { reveal: req.query.reveal }),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/:id/payees',
      access: PAYEE_WRITERS,
      summary: 'Add a payee from the form',
      params: ParticipantIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const values = {
          kind: str(form.kind) || 'participant',
          name: str(form.name),
          partnerId: str(form.partnerId),
          iban: str(form.iban),
          bic: str(form.bic),
          overrideReason: str(form.overrideReason),
        };
        const { overrideReason, ...fields } = values;
        const input = {
          ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '')),
          ...overrideOf(overrideReason),
        };
        const checked = check(PayeeCreateBody, input);
        let errors = checked.ok ? {} : fieldErrors(checked.details);
        if (checked.ok) {
          try {
            const { warnings } = await createPayee(deps, req.ctx.acting, {
              participantId: req.params.id,
              payee: checked.value,
            });
            await flash(
              deps,
              req,
              warnings.length ? 'info' : 'success',
              withWarnings('Le bénéficiaire a été ajouté.', warnings),
            );
            return res.redirect(303, `/participants/${req.params.id}/payees`);
          } catch (e) {
            if (!(e instanceof AppError) || (e.status !== 400 && e.code !== OWN_IBAN_CODE)) throw e;
            errors = formErrors(e);
          }
        }
        await renderList(req, res, req.params.id, { values, errors }, errors.overrideReason ? 409 : 400);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/:id/payees/:payeeId',
      access: PAYEE_WRITERS,
      summary: 'Edit a payee',
      params: ParticipantPayeeParams,
      handler: async (req, res) => renderEdit(req, res, req.params.id, req.params.payeeId),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/:id/payees/:payeeId',
      access: PAYEE_WRITERS,
      summary: 'Save a payee from the form',
      params: ParticipantPayeeParams,
      handler: async (req, res) => {
        const row = await getPayee(deps.db, req.params.payeeId);
        if (!row || row.participant_id !== req.params.id) throw notFound('Bénéficiaire');
        const form = formBody(req);
        const values = {
          name: str(form.name),
          iban: str(form.iban),
          bic: str(form.bic),
          active: form.active === 'true',
          overrideReason: str(form.overrideReason),
        };
        const patch: Record<string, unknown> = {
          name: values.name || null,
          bic: values.bic || null,
          active: values.active,
        };
        if (values.iban) Object.assign(patch, { iban: values.iban }, overrideOf(values.overrideReason));
        const checked = check(PayeePatchBody, patch);
        let errors = checked.ok ? {} : fieldErrors(checked.details);
        if (checked.ok) {
          try {
            const { warnings } = await updatePayee(deps, req.ctx.acting, {
              payeeId: req.params.payeeId,
              patch: checked.value,
            });
            await flash(
              deps,
              req,
              warnings.length ? 'info' : 'success',
              withWarnings('Le bénéficiaire a été enregistré.', warnings),
            );
            return res.redirect(303, `/participants/${req.params.id}/payees`);
          } catch (e) {
            if (!(e instanceof AppError) || (e.status !== 400 && e.code !== OWN_IBAN_CODE)) throw e;
            errors = formErrors(e);
          }
        }
        await renderEdit(
          req,
          res,
          req.params.id,
          req.params.payeeId,
          { values, errors },
          errors.overrideReason ? 409 : 400,
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/participants/:id/payees/:payeeId/reveal-iban',
      access: IBAN_REVEALERS,
      summary: 'Show a payee’s full IBAN once (audited)',
      params: ParticipantPayeeParams,
      handler: async (req, res) => {
        const participant = await participantOr404(deps, req.params.id);
        const row = await getPayee(deps.db, req.params.payeeId);
        if (!row || row.participant_id !== req.params.id) throw notFound('Bénéficiaire');
        const { iban } = await revealIban(deps, req.ctx.acting, req.params.payeeId);
        res.setHeader('Cache-Control', 'no-store');
        await page(deps, req, res, 'payees/revealed.njk', {
          title: 'IBAN complet',
          participant,
          payee: presentPayee(row),
          iban: groupByFour(iban),
          kindLabels: PAYEE_KIND_LABELS,
        });
      },
    }),
  ];
}
