import type { Deps } from '../shared/deps.js';
import { defineRoute, type RequestContext } from '../shared/http.js';
import {
  AttendanceBody,
  AttendanceMarkBody,
  AttendancePersonParams,
  InvitationsBody,
  InvitationsResult,
  ParticipantList,
  ReplyBody,
  ReplyView,
  SessionCreateBody,
  SessionIdParams,
  SessionList,
  SessionListQuery,
  SessionPatchBody,
  SessionView,
} from './schemas.js';
import { countsBySession, listSessions, sessionParticipants } from './repo.js';
import { presentSession, presentSessionParticipant } from './presenter.js';
import { cancelSession, createSession, sessionView, updateSession } from './manage-sessions.js';
import { inviteParticipants, recordReply } from './invitations.js';
import { changeAttendance, markHeld } from './attendance.js';
import { attendanceSheet } from './attendance-sheet.js';
import { SESSION_READERS, SESSION_WRITERS, type AttendanceStatus } from './policy.js';
import { liveBookingsOfSessions } from '../venues/index.js';

export function sessionRoutes(deps: Deps) {
  const tz = async (req: { ctx: RequestContext }) => (await req.ctx.acting.settings()).timeZone;
  return [
    defineRoute({
      method: 'get',
      path: '/api/sessions',
      access: SESSION_READERS,
      tags: ['sessions'],
      summary: 'Sessions by project, upcoming or past, status; sort startsAt or title',
      query: SessionListQuery,
      responses: { 200: { description: 'A page of sessions', schema: SessionList } },
      handler: async (req, res) => {
        const page = await listSessions(deps.db, req.query, req.ctx.acting.now);
        const counts = await countsBySession(
          deps.db,
          page.items.map((s) => s.id),
        );
        const zone = await tz(req);
        const booked = await liveBookingsOfSessions(
          deps.db,
          page.items.map((s) => s.id),
        );
        const items = page.items.map((s) => presentSession(s, booked.get(s.id), counts.get(s.id)!, zone));
        res.json({ items, nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sessions',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary:
        'Create a session: startsAt/endsAt with offsets, or startLocal/endLocal in the organisation’s zone (a DST-skipped or repeated time is a 400); venueId holds the venue as an option',
      body: SessionCreateBody,
      responses: { 201: { description: 'Created', schema: SessionView } },
      errors: ['project_closed', 'booking_overlap', 'booking_overlap_with', 'session_already_booked'],
      handler: async (req, res) => {
        res.status(201).json(await createSession(deps, req.ctx.acting, req.body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sessions/:id',
      access: SESSION_READERS,
      tags: ['sessions'],
      summary: 'One session with its booking and counts',
      params: SessionIdParams,
      responses: { 200: { description: 'Session', schema: SessionView } },
      handler: async (req, res) => {
        res.json(await sessionView(deps.db, req.params.id, await tz(req)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/sessions/:id',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary: 'Change a session; new times move its booking',
      params: SessionIdParams,
      body: SessionPatchBody,
      responses: { 200: { description: 'Session', schema: SessionView } },
      errors: ['booking_overlap', 'booking_overlap_with', 'session_cancelled'],
      handler: async (req, res) => {
        res.json(await updateSession(deps, req.ctx.acting, { id: req.params.id, patch: req.body }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sessions/:id/cancel',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary: 'Cancel a session: releases its booking and tells every invitee (e-mail or letter)',
      params: SessionIdParams,
      responses: { 200: { description: 'Cancelled', schema: SessionView } },
      errors: ['session_held'],
      handler: async (req, res) => {
        res.json(await cancelSession(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sessions/:id/participants',
      access: SESSION_READERS,
      tags: ['sessions'],
      summary: 'Invitations, replies and attendance of a session, sorted by last name',
      params: SessionIdParams,
      responses: { 200: { description: 'People', schema: ParticipantList } },
      handler: async (req, res) => {
        await sessionView(deps.db, req.params.id, await tz(req));
        res.json({ items: (await sessionParticipants(deps.db, req.params.id)).map(presentSessionParticipant) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sessions/:id/invitations',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary:
        'Invite participants (e-mail or letter each, through the outbox); warnings for unmet needs and a full room; over the solicitation limit unless override.reason is given',
      params: SessionIdParams,
      body: InvitationsBody,
      responses: { 200: { description: 'Invited', schema: InvitationsResult } },
      errors: [
        'solicitation_limit_requires_override',
        'override_forbidden',
        'session_cancelled',
        'session_held_no_invitation',
      ],
      handler: async (req, res) => {
        res.json(await inviteParticipants(deps, req.ctx.acting, { ...req.body, sessionId: req.params.id }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sessions/:id/replies',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary: 'Record a participant’s reply (confirmed or declined)',
      params: SessionIdParams,
      body: ReplyBody,
      responses: { 200: { description: 'The reply recorded', schema: ReplyView } },
      errors: ['attendance_recorded', 'attendance_session_cancelled', 'session_cancelled'],
      handler: async (req, res) => {
        res.json(await recordReply(deps, req.ctx.acting, { ...req.body, sessionId: req.params.id }));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/sessions/:id/attendance',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary:
        'Record the attendance of the listed people, person by person: people left out keep their mark; someone not on the list is added as a walk-in. All or nothing: refused before the session starts, and (naming the claim) when a change would drop the presence behind a submitted, approved, batched or paid claim',
      params: SessionIdParams,
      body: AttendanceBody,
      responses: { 200: { description: 'People', schema: ParticipantList } },
      errors: [
        'attendance_session_not_started',
        'attendance_behind_claim',
        'attendance_session_cancelled',
        'session_cancelled',
      ],
      handler: async (req, res) => {
        const { items } = await changeAttendance(deps, req.ctx.acting, {
          sessionId: req.params.id,
          marks: req.body.entries.map((e) => ({
            participantId: e.participantId,
            status: e.status as AttendanceStatus,
          })),
          mode: 'all',
        });
        res.json({ items });
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/sessions/:id/attendance/:participantId',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary:
        'Mark one person present or absent (a person not on the list is added as a walk-in); refused before the session starts, and (naming the claim) when it would drop the presence behind a live claim',
      params: AttendancePersonParams,
      body: AttendanceMarkBody,
      responses: { 200: { description: 'People', schema: ParticipantList } },
      errors: [
        'attendance_session_not_started',
        'attendance_behind_claim',
        'attendance_session_cancelled',
        'session_cancelled',
      ],
      handler: async (req, res) => {
        const { items } = await changeAttendance(deps, req.ctx.acting, {
          sessionId: req.params.id,
          marks: [{ participantId: req.params.participantId, status: req.body.status as AttendanceStatus }],
          mode: 'all',
          field: () => 'participantId',
        });
        res.json({ items });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/sessions/:id/attendance/:participantId',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary:
        'Remove one person’s mark: an invited person returns to invited, a walk-in leaves the list; refused (naming the claim) when it is the presence behind a live claim',
      params: AttendancePersonParams,
      responses: { 200: { description: 'People', schema: ParticipantList } },
      errors: ['attendance_behind_claim', 'attendance_session_cancelled', 'session_cancelled'],
      handler: async (req, res) => {
        const { items } = await changeAttendance(deps, req.ctx.acting, {
          sessionId: req.params.id,
          marks: [{ participantId: req.params.participantId, status: null }],
          mode: 'all',
          field: () => 'participantId',
        });
        res.json({ items });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sessions/:id/held',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary: 'Mark a session as held (attendance must be recorded)',
      params: SessionIdParams,
      responses: { 200: { description: 'Session', schema: SessionView } },
      errors: ['attendance_missing'],
      handler: async (req, res) => {
        await markHeld(deps, req.ctx.acting, req.params.id);
        res.json(await sessionView(deps.db, req.params.id, await tz(req)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sessions/:id/attendance-sheet',
      access: SESSION_WRITERS,
      tags: ['sessions'],
      summary: 'Attendance sheet to print and sign (PDF)',
      params: SessionIdParams,
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
      handler: async (req, res) => {
        const pdf = await attendanceSheet(deps, req.ctx.acting, req.params.id);
        res.type('application/pdf').setHeader('Content-Disposition', 'attachment; filename="emargement.pdf"');
        res.send(Buffer.from(pdf));
      },
    }),
  ];
}
