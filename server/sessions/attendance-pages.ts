import type { Deps } from '../shared/deps.js';
import { Type } from '@sinclair/typebox';
import { defineRoute } from '../shared/http.js';
import { AppError, notFound } from '../shared/errors.js';
import { obj } from '../shared/schema.js';
import { text } from '../shared/form.js';
import { formatLocalRange } from '../shared/dates.js';
import { auditActorOf } from '../audit/index.js';
import { flash } from '../auth/index.js';
import { getSettings } from '../settings/index.js';
import { page, formBody } from '../web.js';
import { PARTICIPATION_STATUS_LABELS, SessionIdParams, type AttendanceBody } from './schemas.js';
import { getSession, sessionParticipants, walkInCandidates } from './repo.js';
import { recordAttendance } from './attendance.js';
import { SESSION_WRITERS } from './policy.js';

const CHOICES = [
  { value: 'attended', label: 'Présent·e' },
  { value: 'absent_excused', label: 'Absent·e excusé·e' },
  { value: 'absent', label: 'Absent·e' },
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function attendancePages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page', method: 'get', path: '/sessions/:id/attendance', access: SESSION_WRITERS, summary: 'Record attendance (radio buttons per person, walk-in search)', params: SessionIdParams, query: obj({ q: Type.Optional(Type.String({ maxLength: 100 })) }),
      handler: async (req, res) => {
        const { settings } = await getSettings(deps.db);
        const session = await getSession(deps.db, req.params.id);
        if (!session) throw notFound('Session');
        const people = (await sessionParticipants(deps.db, session.id)).map((p) => ({ ...p, statusLabel: PARTICIPATION_STATUS_LABELS[p.status as keyof typeof PARTICIPATION_STATUS_LABELS] }));
        const q = (req.query.q ?? '').trim();
        await page(deps, req, res, 'sessions/attendance.njk', {
          title: `Présences — ${session.title}`, session, when: formatLocalRange(session.starts_at, session.ends_at, settings.timeZone),
          people, choices: CHOICES, q, walkIns: q ? await walkInCandidates(deps.db, session.id, q) : [],
        });
      },
    }),
    defineRoute({
      kind: 'page', method: 'post', path: '/sessions/:id/attendance', access: SESSION_WRITERS, summary: 'Save attendance from the form', params: SessionIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const entries: AttendanceBody['entries'] = [];
        for (const [key, value] of Object.entries(form)) {
          const m = /^status_(.+)$/.exec(key);
          const status = text(value);
          if (!m || !UUID.test(m[1]) || !CHOICES.some((c) => c.value === status)) continue;
          entries.push({ participantId: m[1], status: status as AttendanceBody['entries'][number]['status'], walkIn: form[`walkin_${m[1]}`] === '1' });
        }
        try {
          const result = await recordAttendance(deps, auditActorOf(req.ctx), req.params.id, { entries });
          await flash(deps, req, 'success', `Présences enregistrées : ${result.items.filter((i) => i.status === 'attended').length} présent(s).`);
        } catch (e) {
          if (!(e instanceof AppError) || (e.status !== 400 && e.status !== 409)) throw e;
          await flash(deps, req, 'error', e.message);
          return res.redirect(303, `/sessions/${req.params.id}/attendance`);
        }
        res.redirect(303, `/sessions/${req.params.id}`);
      },
    }),
  ];
}
