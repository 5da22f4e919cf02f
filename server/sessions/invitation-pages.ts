import type { Deps } from '../shared/deps.js';
import type { Response } from 'express';
import { Type } from '@sinclair/typebox';
import { defineRoute } from '../shared/http.js';
import { AppError, notFound } from '../shared/errors.js';
import { obj, Uuid } from '../shared/schema.js';
import { list, text } from '../shared/form.js';
import { formatLocalRange, localDay } from '../shared/dates.js';
import { contactableParticipants } from '../consents/index.js';
import { page, formBody, type PageRequest } from '../shared/pages.js';
import { InvitationsBody, PARTICIPATION_STATUS_LABELS, SessionIdParams } from './schemas.js';
import { validate } from '../shared/validate.js';
import { getSession, invitationCandidates, partnerOptions } from './repo.js';
import { inviteParticipants } from './invitations.js';
import { channelFor } from '../participants/index.js';
import { SESSION_WRITERS } from './policy.js';

export const NEED_LABELS: Record<string, string> = {
  step_free_access: 'accès sans marche',
  hearing_loop: 'boucle magnétique',
  sign_language: 'langue des signes',
  large_print: 'gros caractères',
  childcare: 'garde d’enfants',
  accompanying_person: 'accompagnant',
  other: 'autre besoin',
};
const InviteQuery = obj({
  partnerId: Type.Optional(Type.Union([Uuid, Type.Literal('')])),
  commune: Type.Optional(Type.String({ maxLength: 100 })),
  need: Type.Optional(Type.String({ maxLength: 40 })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
});
type Filters = { partnerId?: string; commune?: string; need?: string; q?: string };

async function renderInvite(
  deps: Deps,
  req: PageRequest,
  res: Response,
  sessionId: string,
  filters: Filters,
  extra: Record<string, unknown> = {},
  status = 200,
) {
  const settings = await req.ctx.acting.settings();
  const session = await getSession(deps.db, sessionId);
  if (!session) throw notFound('Session');
  const rows = await invitationCandidates(
    deps.db,
    {
      ...filters,
      partnerId: filters.partnerId || undefined,
      commune: filters.commune || undefined,
      need: filters.need || undefined,
      q: filters.q || undefined,
    },
    sessionId,
  );
  // Said before sending: without a live contact consent the outbox will not send the invitation.
  const contactable = await contactableParticipants(
    deps.db,
    rows.map((p: Record<string, unknown>) => p.id as string),
    localDay(req.ctx.acting.now, settings.timeZone),
  );
  const candidates = rows.map((p: Record<string, unknown>) => ({
    ...p,
    needsLabel: (p.needs as string[]).map((n) => NEED_LABELS[n] ?? n).join(', '),
    channel: !contactable.has(p.id as string)
      ? 'pas de consentement : ne sera pas contacté·e'
      : channelFor(p as never) === 'email'
        ? 'e-mail'
        : 'courrier',
    statusLabel: p.session_status
      ? PARTICIPATION_STATUS_LABELS[p.session_status as keyof typeof PARTICIPATION_STATUS_LABELS]
      : null,
  }));
  await page(
    deps,
    req,
    res,
    'sessions/invite.njk',
    {
      title: `Inviter à « ${session.title} »`,
      session,
      when: formatLocalRange(session.starts_at, session.ends_at, settings.timeZone),
      candidates,
      filters,
      partners: [
        { value: '', label: 'Toutes les structures' },
        ...(await partnerOptions(deps.db)).map((p) => ({ value: p.id, label: p.name })),
      ],
      needs: [{ value: '', label: 'Tous' }, ...Object.entries(NEED_LABELS).map(([value, label]) => ({ value, label }))],
      selected: [],
      ...extra,
    },
    status,
  );
}

export function invitationPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/sessions/:id/invite',
      access: SESSION_WRITERS,
      summary: 'Choose participants to invite',
      params: SessionIdParams,
      query: InviteQuery,
      handler: async (req, res) => {
        await renderInvite(deps, req, res, req.params.id, req.query);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions/:id/invite',
      access: SESSION_WRITERS,
      summary: 'Invite the chosen participants (override form when the solicitation limit is reached)',
      params: SessionIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const participantIds = list(form.participantIds).filter((id) => /^[0-9a-f-]{36}$/i.test(id));
        const reason = text(form.overrideReason);
        if (!participantIds.length)
          return renderInvite(
            deps,
            req,
            res,
            req.params.id,
            {},
            { errors: { participantIds: 'Cochez au moins une personne.' } },
            400,
          );
        try {
          const result = await inviteParticipants(deps, req.ctx.acting, {
            ...validate(InvitationsBody, {
              participantIds,
              ...(form.override === '1' ? { override: { reason } } : {}),
            }),
            sessionId: req.params.id,
          });
          const session = (await getSession(deps.db, req.params.id))!;
          await page(deps, req, res, 'sessions/invited.njk', {
            title: 'Invitations envoyées',
            session,
            result,
            letters: result.invited.filter((i) => i.channel === 'letter').length,
            emails: result.invited.filter((i) => i.channel === 'email').length,
          });
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          if (e.code === 'solicitation_limit_requires_override')
            return renderInvite(
              deps,
              req,
              res,
              req.params.id,
              {},
              { overrideNeeded: e.message, selected: participantIds },
              409,
            );
          if (e.status === 400 && form.override === '1')
            return renderInvite(
              deps,
              req,
              res,
              req.params.id,
              {},
              {
                overrideNeeded: 'Indiquez une raison de 3 à 500 caractères.',
                overrideError: e.details[0]?.message,
                selected: participantIds,
              },
              400,
            );
          if (e.status !== 409 && e.status !== 400) throw e;
          return renderInvite(
            deps,
            req,
            res,
            req.params.id,
            {},
            { message: e.message, selected: participantIds },
            e.status,
          );
        }
      },
    }),
  ];
}
