import type { Deps } from '../shared/deps.js';
import { Type } from '@sinclair/typebox';
import { defineRoute } from '../shared/http.js';
import { AppError, notFound } from '../shared/errors.js';
import { obj } from '../shared/schema.js';
import { text } from '../shared/form.js';
import { formatLocalRange } from '../shared/dates.js';
import { flash } from '../auth/index.js';
import { page, formBody } from '../shared/pages.js';
import { PARTICIPATION_STATUS_LABELS, SessionIdParams } from './schemas.js';
import { getSession, sessionParticipants, walkInCandidates } from './repo.js';
import { liveClaimsOfSession } from '../claims/index.js';
import { changeAttendance, type AttendanceMark } from './attendance.js';
import { SESSION_WRITERS, type AttendanceStatus } from './policy.js';

const CHOICES = [
  { value: 'attended', label: 'Présent·e' },
  { value: 'absent_excused', label: 'Absent·e excusé·e' },
  { value: 'absent', label: 'Absent·e' },
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function attendancePages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/sessions/:id/attendance',
      access: SESSION_WRITERS,
      summary:
        'Record attendance, person by person (radio buttons per person, walk-in search); before the session starts nobody can be marked, and a presence behind a live claim is shown locked with the claim',
      params: SessionIdParams,
      query: obj({ q: Type.Optional(Type.String({ maxLength: 100 })) }),
      handler: async (req, res) => {
        const settings = await req.ctx.acting.settings();
        const session = await getSession(deps.db, req.params.id);
        if (!session) throw notFound('Session');
        const rows = await sessionParticipants(deps.db, session.id);
        const claims = await liveClaimsOfSession(
          deps.db,
          session.id,
          rows.filter((p) => p.status === 'attended').map((p) => p.participant_id),
        );
        const people = rows.map((p) => ({
          ...p,
          statusLabel: PARTICIPATION_STATUS_LABELS[p.status as keyof typeof PARTICIPATION_STATUS_LABELS],
          lockedBy: (claims.get(p.participant_id) ?? [])
            .map((c) => `${c.reference} (${c.label.toLowerCase()})`)
            .join(', '),
        }));
        // Display only: the rule itself is mayChangeAttendance (policy.ts), which the POST goes through.
        const started = req.ctx.acting.now.getTime() >= session.starts_at.getTime();
        const q = started ? (req.query.q ?? '').trim() : '';
        await page(deps, req, res, 'sessions/attendance.njk', {
          title: `Présences — ${session.title}`,
          session,
          when: formatLocalRange(session.starts_at, session.ends_at, settings.timeZone),
          started,
          people,
          choices: CHOICES,
          q,
          walkIns: q ? await walkInCandidates(deps.db, session.id, q) : [],
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/sessions/:id/attendance',
      access: SESSION_WRITERS,
      summary:
        'Save attendance from the form, person by person: each posted person whose mark changes (Non renseigné removes it); a refused person is named with the claim, the others are saved',
      params: SessionIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const marks: AttendanceMark[] = [];
        for (const [key, value] of Object.entries(form)) {
          const m = /^status_(.+)$/.exec(key);
          const status = text(value);
          if (!m || !UUID.test(m[1]) || (status !== '' && !CHOICES.some((c) => c.value === status))) continue;
          marks.push({ participantId: m[1], status: status === '' ? null : (status as AttendanceStatus) });
        }
        try {
          const result = await changeAttendance(deps, req.ctx.acting, {
            sessionId: req.params.id,
            marks,
            mode: 'each',
            field: () => 'status',
          });
          const saved = `Présences enregistrées : ${result.items.filter((i) => i.status === 'attended').length} présent(s). ${result.changed} personne(s) modifiée(s).`;
          if (result.refusals.length) {
            await flash(
              deps,
              req,
              'error',
              `${saved} Non modifié : ${result.refusals.map((r) => r.message).join(' ')}`,
            );
            return res.redirect(303, `/sessions/${req.params.id}/attendance`);
          }
          await flash(deps, req, 'success', saved);
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
