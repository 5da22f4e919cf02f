import type { Deps } from '../shared/deps.js';
import { Type } from '@sinclair/typebox';
import { defineRoute, keyedFormWork } from '../shared/http.js';
import { hasAnyRole } from '../shared/authorize.js';
import { notFound } from '../shared/errors.js';
import { obj, Uuid } from '../shared/schema.js';
import { check, validate } from '../shared/validate.js';
import { checked, formFailure, integer, text } from '../shared/form.js';
import { formatLocalRange } from '../shared/dates.js';
import { flash } from '../auth/index.js';
import {
  listVenues,
  liveBookingOfSession,
  liveBookingsOfSessions,
  presentVenue,
  VENUE_ATTRIBUTE_LABELS,
} from '../venues/index.js';
import { page, formBody, actThenRedirect as act } from '../shared/pages.js';
import {
  ReplyBody,
  PARTICIPATION_STATUS_LABELS,
  SESSION_KINDS,
  SESSION_KIND_LABELS,
  SESSION_STATUS_LABELS,
  SessionCreateBody,
  SessionIdParams,
} from './schemas.js';
import { countsBySession, getSession, listSessions, sessionParticipants } from './repo.js';
import { presentSession, presentSessionParticipant } from './presenter.js';
import { cancelSession, createSession } from './manage-sessions.js';
import { recordReply } from './invitations.js';
import { markHeld } from './attendance.js';
import { SESSION_READERS, SESSION_WRITERS, SESSION_WRITER_ROLES } from './policy.js';
import { invitationPages } from './invitation-pages.js';
import { attendancePages } from './attendance-pages.js';
import { projectChoices, bookForSession, confirmSessionBookingIn, cancelSessionBooking } from './page-actions.js';

const kindOptions = SESSION_KINDS.map((k) => ({ value: k, label: SESSION_KIND_LABELS[k] }));
const rename = (f: string) =>
  ({ startLocal: 'startTime', startsAt: 'startTime', endLocal: 'endTime', endsAt: 'endTime' })[f] ?? f;

export function sessionPages(deps: Deps) {
  const formVars = async () => ({
    kindOptions,
    projects: await projectChoices(deps.db),
    venues: [
      { value: '', label: '— Plus tard —' },
      ...(await listVenues(deps.db, { limit: '200' })).items.map((v) => ({
        value: v.id,
        label: `${v.name} (${v.capacity} places${v.step_free_access ? '' : ', sans accès de plain-pied'})`,
      })),
    ],
  });
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/sessions',
      access: SESSION_READERS,
      summary: 'Sessions: upcoming and past (50 of each, older past sessions page by page), for one project if asked',
      query: obj({
        projectId: Type.Optional(Type.String({ maxLength: 40 })),
        cursor: Type.Optional(Type.String({ maxLength: 500 })),
      }),
      handler: async (req, res) => {
        const settings = await req.ctx.acting.settings();
        const projectId = /^[0-9a-f-]{36}$/i.test(req.query.projectId ?? '') ? req.query.projectId : undefined;
        const load = async (when: 'upcoming' | 'past', cursor?: string) => {
          const result = await listSessions(deps.db, { when, limit: '50', projectId, cursor }, req.ctx.acting.now);
          const ids = result.items.map((s) => s.id);
          const counts = await countsBySession(deps.db, ids);
          const booked = await liveBookingsOfSessions(deps.db, ids);
          return {
            items: result.items.map((s) => ({
              ...presentSession(s, booked.get(s.id), counts.get(s.id)!, settings.timeZone),
              when: formatLocalRange(s.starts_at, s.ends_at, settings.timeZone),
            })),
            nextCursor: result.nextCursor,
          };
        };
        // Older past sessions page by page (the cursor is the past list's); upcoming stay on top of the first page.
        const upcoming = req.query.cursor ? { items: [], nextCursor: null } : await load('upcoming');
        const past = await load('past', req.query.cursor);
        const shown = [...upcoming.items, ...past.items][0];
        const project = projectId ? { id: projectId, name: shown?.projectName ?? 'ce projet' } : null;
        const filter = projectId ? `projectId=${projectId}&` : '';
        await page(deps, req, res, 'sessions/list.njk', {
          title: 'Sessions & lieux',
          upcoming: upcoming.items,
          past: past.items,
          project,
          firstPage: !req.query.cursor,
          olderHref: past.nextCursor ? `/sessions?${filter}cursor=${past.nextCursor}` : null,
          statusLabels: SESSION_STATUS_LABELS,
          kindLabels: SESSION_KIND_LABELS,
          canWrite: hasAnyRole(req.ctx.acting.actor, SESSION_WRITER_ROLES),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/sessions/new',
      access: SESSION_WRITERS,
      summary: 'New session form',
      query: obj({ projectId: Type.Optional(Uuid) }),
      handler: async (req, res) => {
        await page(deps, req, res, 'sessions/form.njk', {
          title: 'Nouvelle session',
          values: {
            projectId: req.query.projectId,
            kind: 'workshop',
            capacity: '15',
            startTime: '14:00',
            endTime: '16:30',
          },
          errors: {},
          ...(await formVars()),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions',
      access: SESSION_WRITERS,
      summary: 'Create a session from the form (local date and times)',
      handler: async (req, res) => {
        const form = formBody(req);
        const date = text(form.date);
        const input: Record<string, unknown> = {
          projectId: text(form.projectId),
          title: text(form.title),
          kind: text(form.kind),
          capacity: integer(form.capacity) ?? '',
          startLocal: `${date}T${text(form.startTime)}`,
          endLocal: `${date}T${text(form.endTime)}`,
          mealProvided: checked(form.mealProvided),
          childcareOnSite: checked(form.childcareOnSite),
        };
        if (text(form.venueId)) input.venueId = text(form.venueId);
        let errors: Record<string, string> = {};
        let message: string | null = null;
        const valid = check(SessionCreateBody, input);
        if (!date) errors.date = 'champ obligatoire';
        if (!valid.ok) for (const d of valid.details) errors[rename(d.field)] ??= d.message;
        if (valid.ok && date) {
          try {
            const created = await createSession(deps, req.ctx.acting, valid.value);
            await flash(deps, req, 'success', 'La session a été créée.');
            return res.redirect(303, `/sessions/${created.id}`);
          } catch (e) {
            ({ errors, message } = formFailure(e, rename));
          }
        }
        await page(
          deps,
          req,
          res,
          'sessions/form.njk',
          { title: 'Nouvelle session', values: form, errors, message, ...(await formVars()) },
          400,
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/sessions/:id',
      access: SESSION_READERS,
      summary: 'Session detail with booking and people',
      params: SessionIdParams,
      handler: async (req, res) => {
        const settings = await req.ctx.acting.settings();
        const s = await getSession(deps.db, req.params.id);
        if (!s) throw notFound('Session');
        const booking = await liveBookingOfSession(deps.db, s.id);
        const venues = booking
          ? []
          : (await listVenues(deps.db, { limit: '200', minCapacity: undefined })).items.map(presentVenue);
        await page(deps, req, res, 'sessions/detail.njk', {
          title: s.title,
          session: presentSession(s, booking, (await countsBySession(deps.db, [s.id])).get(s.id)!, settings.timeZone),
          when: formatLocalRange(s.starts_at, s.ends_at, settings.timeZone),
          booking: booking ? { ...booking, venue: presentVenue(booking.venue) } : null,
          venues,
          attributeLabels: VENUE_ATTRIBUTE_LABELS,
          people: (await sessionParticipants(deps.db, s.id)).map(presentSessionParticipant),
          statusLabels: PARTICIPATION_STATUS_LABELS,
          sessionStatusLabels: SESSION_STATUS_LABELS,
          kindLabels: SESSION_KIND_LABELS,
          canWrite: hasAnyRole(req.ctx.acting.actor, SESSION_WRITER_ROLES),
          confirmCancel: req.query.confirm === 'cancel',
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions/:id/booking',
      access: SESSION_WRITERS,
      summary: 'Hold a venue for the session',
      params: SessionIdParams,
      handler: async (req, res) => {
        const venueId = text(formBody(req).venueId);
        await act(
          deps,
          req,
          res,
          `/sessions/${req.params.id}`,
          'Le lieu est posé en option pour 7 jours : confirmez la réservation.',
          () => bookForSession(deps, req.ctx.acting, { sessionId: req.params.id, venueId }),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions/:id/booking/confirm',
      access: SESSION_WRITERS,
      summary: 'Confirm the session’s booking',
      params: SessionIdParams,
      idempotent: 'form',
      handler: async (req, res) => {
        await act(deps, req, res, `/sessions/${req.params.id}`, 'La réservation est confirmée.', () =>
          keyedFormWork(deps, req, (trx) => confirmSessionBookingIn(trx, deps, req.ctx.acting, req.params.id)),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions/:id/booking/cancel',
      access: SESSION_WRITERS,
      summary: 'Cancel the session’s booking',
      params: SessionIdParams,
      handler: async (req, res) => {
        await act(deps, req, res, `/sessions/${req.params.id}`, 'La réservation est annulée.', () =>
          cancelSessionBooking(deps, req.ctx.acting, req.params.id),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions/:id/replies',
      access: SESSION_WRITERS,
      summary: 'Record a reply from the session page',
      params: SessionIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        await act(deps, req, res, `/sessions/${req.params.id}`, 'La réponse est enregistrée.', () =>
          recordReply(deps, req.ctx.acting, {
            ...validate(ReplyBody, {
              participantId: text(form.participantId),
              status: text(form.status) === 'declined' ? 'declined' : 'confirmed',
            }),
            sessionId: req.params.id,
          }),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions/:id/cancel',
      access: SESSION_WRITERS,
      summary: 'Cancel the session',
      params: SessionIdParams,
      handler: async (req, res) => {
        await act(
          deps,
          req,
          res,
          `/sessions/${req.params.id}`,
          'La session est annulée ; les personnes invitées sont prévenues.',
          () => cancelSession(deps, req.ctx.acting, req.params.id),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions/:id/held',
      access: SESSION_WRITERS,
      summary: 'Mark the session as held',
      params: SessionIdParams,
      handler: async (req, res) => {
        await act(deps, req, res, `/sessions/${req.params.id}`, 'La session est marquée comme tenue.', () =>
          markHeld(deps, req.ctx.acting, req.params.id),
        );
      },
    }),
    ...invitationPages(deps),
    ...attendancePages(deps),
  ];
}
