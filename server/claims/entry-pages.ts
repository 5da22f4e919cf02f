import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute, keyedFormWork } from '../shared/http.js';
import { obj, Uuid } from '../shared/schema.js';
import { check } from '../shared/validate.js';
import { formFailure, text, checked } from '../shared/form.js';
import { formatLocalRange } from '../shared/dates.js';
import { flash } from '../auth/index.js';
import { page, formBody, type PageRequest } from '../shared/pages.js';
import type { Response } from 'express';
import { ClaimCreateBody } from './schemas.js';
import { CLAIM_WRITERS } from './policy.js';
import { createClaimIn } from './create-claim.js';
import { participantName, searchParticipants, sessionChoices } from './choices-repo.js';
import { KIND_OPTIONS, POWER_OPTIONS, formField, lineRowsOf, linesFromRows, type LineRowForm } from './form.js';

const EMPTY_ROW: LineRowForm = { kind: '', travelDate: '', amount: '', km: '', fiscalPower: '', hours: '' };

export function entryPages(deps: Deps) {
  const render = async (
    req: PageRequest,
    res: Response,
    values: Record<string, unknown>,
    rows: LineRowForm[],
    errors: Record<string, string> = {},
    message: string | null = null,
    status = 200,
  ) => {
    const settings = await req.ctx.acting.settings();
    const participantId =
      typeof values.participantId === 'string' && /^[0-9a-f-]{36}$/.test(values.participantId)
        ? values.participantId
        : undefined;
    const q = typeof values.q === 'string' ? values.q.trim() : '';
    const found = q.length >= 2 ? await searchParticipants(deps.db, q) : [];
    const chosen = participantId ? await participantName(deps.db, participantId) : undefined;
    const people = [...(chosen ? [chosen] : []), ...found.filter((p) => p.id !== chosen?.id)];
    const sessions = await sessionChoices(deps.db, req.ctx.acting.now, participantId);
    await page(
      deps,
      req,
      res,
      'claims/new.njk',
      {
        title: 'Saisir une demande de remboursement',
        values,
        rows,
        errors,
        message,
        q,
        people: [
          { value: '', label: people.length ? '— Choisir —' : '— Cherchez d’abord la personne —' },
          ...people.map((p) => ({ value: p.id, label: `${p.last_name ?? ''} ${p.first_name ?? ''} (${p.reference})` })),
        ],
        sessions: [
          { value: '', label: '— Choisir —' },
          ...sessions.map((s) => ({
            value: s.id,
            label: `${s.title} — ${formatLocalRange(s.starts_at, s.ends_at, settings.timeZone)}${s.attendance === 'attended' ? ' — présent·e' : ''}`,
          })),
        ],
        kindOptions: KIND_OPTIONS,
        powerOptions: POWER_OPTIONS,
      },
      status,
    );
  };
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/claims/new',
      access: CLAIM_WRITERS,
      summary: 'Claim entry form (from a paper form, keyboard only)',
      query: obj({
        q: Type.Optional(Type.String({ maxLength: 100 })),
        participantId: Type.Optional(Uuid),
        sessionId: Type.Optional(Uuid),
      }),
      handler: async (req, res) => {
        await render(
          req,
          res,
          { q: req.query.q, participantId: req.query.participantId, sessionId: req.query.sessionId },
          [{ ...EMPTY_ROW }],
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/claims/new',
      access: CLAIM_WRITERS,
      summary: 'Add a line row, or enter and submit the claim',
      idempotent: 'form',
      handler: async (req, res) => {
        const form = formBody(req);
        const action = text(form.action);
        const values = {
          participantId: text(form.participantId),
          sessionId: text(form.sessionId),
          q: text(form.q),
          isAdvance: checked(form.isAdvance) ? 'on' : '',
          overrideReason: text(form.overrideReason),
        };
        if (action === 'add' || action === 'search') {
          const rows = lineRowsOf(form, true);
          if (action === 'add') rows.push({ ...EMPTY_ROW });
          return render(req, res, values, rows.length ? rows : [{ ...EMPTY_ROW }]);
        }
        const rows = lineRowsOf(form);
        const { lines, errors } = linesFromRows(rows);
        if (!values.participantId) errors.participantId = 'choisissez la personne';
        if (!values.sessionId) errors.sessionId = 'choisissez la session';
        if (!rows.length && !Object.keys(errors).length) errors['line-0-kind'] = 'ajoutez au moins une ligne';
        const input: Record<string, unknown> = {
          participantId: values.participantId,
          sessionIds: [values.sessionId],
          lines,
          submit: true,
          isAdvance: values.isAdvance === 'on',
        };
        if (values.overrideReason) input.override = { reason: values.overrideReason };
        const valid = check(ClaimCreateBody, input);
        if (!valid.ok) for (const d of valid.details) errors[formField(d.field)] ??= d.message;
        let message: string | null = null;
        if (!Object.keys(errors).length && valid.ok) {
          try {
            const id = await keyedFormWork(deps, req, (trx) => createClaimIn(trx, deps, req.ctx.acting, valid.value));
            await flash(deps, req, 'success', 'La demande est enregistrée et transmise pour décision.');
            return res.redirect(303, `/claims/${id}`);
          } catch (e) {
            const failure = formFailure(e, formField);
            Object.assign(errors, failure.errors);
            message = failure.message;
          }
        }
        await render(req, res, values, rows.length ? rows : [{ ...EMPTY_ROW }], errors, message, 400);
      },
    }),
  ];
}
