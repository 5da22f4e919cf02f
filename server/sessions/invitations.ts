import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { AppError, notFound, validationError } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { liveBookingOfSession, sessionCancelled, type VenueRow } from '../venues/index.js';
import type { InvitationsBody, ReplyBody } from './schemas.js';
import {
  alreadyOnList,
  getSession,
  listStatus,
  notDeclinedCount,
  solicitationsBefore,
  type SessionRow,
} from './repo.js';
import { activeParticipantContacts, touchLastContact, type ParticipantContact } from '../participants/index.js';
import { notifyParticipant, sessionVars } from './notify.js';
import { OVERRIDE_SOLICITATION_ROLES } from './policy.js';
import { sessionsError } from './errors.js';

/** What the invitation result and the person's page say when the consent gate refused the message. */
export const NOT_CONTACTED_MESSAGE = 'non contacté·e : pas de consentement';

/** A person who was not invited: consent-based message, no live contact consent. */
export interface NotContacted {
  participantId: string;
  reference: string;
  name: string;
  reason: 'no_consent';
  message: string;
}

export interface Warning {
  code: string;
  message: string;
  participantId?: string;
}

const NEED_CHECKS: { need: string; met: (v: VenueRow | null, s: SessionRow) => boolean; label: string }[] = [
  { need: 'step_free_access', met: (v) => !!v?.step_free_access, label: 'd’un accès sans marche' },
  { need: 'hearing_loop', met: (v) => !!v?.hearing_loop, label: 'd’une boucle magnétique' },
  { need: 'childcare', met: (_v, s) => s.childcare_on_site, label: 'd’une garde d’enfants sur place' },
];

const nameOf = (p: { first_name: string | null; last_name: string | null }) =>
  [p.first_name, p.last_name].filter(Boolean).join(' ');

/** Needs the venue or the session does not meet, and a full room: remarks, not refusals. */
export function invitationWarnings(
  session: SessionRow,
  venue: VenueRow | null,
  people: ParticipantContact[],
  invitedAfter: number,
): Warning[] {
  const warnings: Warning[] = [];
  if (!venue)
    warnings.push({
      code: 'no_venue',
      message: 'Aucun lieu n’est réservé : l’accessibilité n’a pas pu être vérifiée.',
    });
  for (const p of people) {
    for (const check of NEED_CHECKS) {
      if (p.needs.includes(check.need) && !check.met(venue, session)) {
        warnings.push({
          code: `need_not_met.${check.need}`,
          message: `${nameOf(p)} a besoin ${check.label} : ${venue ? `le lieu « ${venue.name} » ne l’offre pas` : 'aucun lieu n’est réservé'}.`,
          participantId: p.id,
        });
      }
    }
  }
  const capacity = Math.min(session.capacity, venue?.capacity ?? session.capacity);
  if (invitedAfter > capacity)
    warnings.push({
      code: 'capacity_exceeded',
      message: `${invitedAfter} personnes invitées pour ${capacity} places.`,
    });
  return warnings;
}

/**
 * Invites participants (`participantIds`) to session `sessionId`: one invitation row and one message (e-mail or letter)
 * each, in one transaction. People without a live contact consent are not invited: they come
 * back in `notContacted` ("non contacté·e : pas de consentement"), never silently skipped.
 * People invited to too many sessions in the 90 days before the session start need an
 * override with a reason (409 `solicitation_limit_requires_override`). Already invited people
 * are left as they are.
 */
export async function inviteParticipants(deps: Deps, acting: Acting, input: InvitationsBody & { sessionId: string }) {
  const { sessionId } = input;
  const settings = await acting.settings();
  return inTransaction(deps.db, async (trx) => {
    const session = await getSession(trx, sessionId, true);
    if (!session) throw notFound('Session');
    if (session.status === 'cancelled') throw sessionCancelled();
    if (session.status === 'held') throw sessionsError('session_held_no_invitation');
    const people = await activeParticipantContacts(trx, input.participantIds);
    const unknown = input.participantIds
      .map((id, i) => ({ id, i }))
      .filter(({ id }) => !people.some((p) => p.id === id));
    if (unknown.length)
      throw validationError(
        unknown.map(({ i }) => ({ field: `participantIds.${i}`, message: 'participant inconnu ou inactif' })),
      );
    const existing = new Set(await alreadyOnList(trx, sessionId, input.participantIds));
    const fresh = people.filter((p) => !existing.has(p.id));

    const limit = session.project_solicitation_limit ?? settings.thresholds.solicitationLimitPer90Days;
    const counts = await solicitationsBefore(
      trx,
      fresh.map((p) => p.id),
      session.starts_at,
      sessionId,
    );
    const over = fresh.filter((p) => (counts.get(p.id) ?? 0) >= limit);
    if (over.length && !input.override) {
      throw sessionsError(
        'solicitation_limit_requires_override',
        { limit, references: over.map((p) => p.reference).join(', ') },
        over.map((p) => ({
          field: 'participantIds',
          message: `${p.reference} : ${counts.get(p.id)} sollicitation(s) sur 90 jours (limite ${limit})`,
        })),
      );
    }
    if (over.length && !acting.actor.roles.some((r) => OVERRIDE_SOLICITATION_ROLES.includes(r)))
      throw new AppError('override_forbidden');

    const booking = await liveBookingOfSession(trx, sessionId);
    const venue = booking?.venue ?? null;
    const vars = sessionVars(settings, session, venue);
    const { now } = acting;
    const overIds = new Set(over.map((p) => p.id));
    const invited: { participantId: string; channel: 'email' | 'letter'; messageId: string }[] = [];
    const notContacted: NotContacted[] = [];
    for (const p of fresh) {
      // The outbox asks the consent gate: no live contact consent, no invitation (and no invitation row).
      const message = await notifyParticipant(trx, deps, acting, 'invitation', p, vars, sessionId);
      if (!message.queued) {
        notContacted.push({
          participantId: p.id,
          reference: p.reference,
          name: nameOf(p),
          reason: message.reason,
          message: NOT_CONTACTED_MESSAGE,
        });
        continue;
      }
      await trx('session_participants').insert({
        session_id: sessionId,
        participant_id: p.id,
        status: 'invited',
        invited_at: now,
        override_reason_code: overIds.has(p.id) ? 'solicitation_override' : null,
        override_reason: overIds.has(p.id) ? input.override!.reason : null,
      });
      invited.push({ participantId: p.id, channel: message.channel, messageId: message.id });
    }
    const invitedIds = new Set(invited.map((i) => i.participantId));
    const overInvited = [...overIds].filter((id) => invitedIds.has(id));
    if (overInvited.length) {
      await recordAudit(trx, acting, {
        action: 'session.solicitation_override',
        recordType: 'session',
        recordId: sessionId,
        reasonCode: 'solicitation_override',
        data: { participantIds: overInvited, limit },
      });
    }
    await recordAudit(trx, acting, {
      action: 'session.invited',
      recordType: 'session',
      recordId: sessionId,
      data: {
        invited: invited.length,
        email: invited.filter((i) => i.channel === 'email').length,
        letter: invited.filter((i) => i.channel === 'letter').length,
        notContacted: notContacted.length,
      },
    });
    const n = await notDeclinedCount(trx, sessionId);
    return {
      invited,
      notContacted,
      alreadyInvited: [...existing],
      warnings: invitationWarnings(
        session,
        venue,
        people.filter((p) => invitedIds.has(p.id)),
        Number(n),
      ),
    };
  });
}

/** Records a participant's answer (confirmed or declined); a reply is a contact (retention clock). */
export async function recordReply(deps: Deps, acting: Acting, input: ReplyBody & { sessionId: string }) {
  const { sessionId } = input;
  return inTransaction(deps.db, async (trx) => {
    const session = await getSession(trx, sessionId, true);
    if (!session) throw notFound('Session');
    if (session.status === 'cancelled') throw sessionCancelled();
    const row = await listStatus(trx, sessionId, input.participantId);
    if (!row)
      throw validationError([{ field: 'participantId', message: 'cette personne n’est pas invitée à cette session' }]);
    if (!['invited', 'confirmed', 'declined'].includes(row.status)) throw sessionsError('attendance_recorded');
    const { now } = acting;
    if (row.status !== input.status) {
      await trx('session_participants')
        .where({ session_id: sessionId, participant_id: input.participantId })
        .update({ status: input.status, replied_at: now });
      await recordAudit(trx, acting, {
        action: 'session.reply',
        recordType: 'session',
        recordId: sessionId,
        data: { participantId: input.participantId, status: input.status },
      });
    }
    await touchLastContact(trx, [input.participantId], now);
    return { participantId: input.participantId, status: input.status };
  });
}
