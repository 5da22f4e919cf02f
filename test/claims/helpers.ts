import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';

/** A project led by a project lead, a held session and a participant who attended it. */
export async function attendedSession(
  options: { email?: string | null; preferredChannel?: string; startsAt?: string; endsAt?: string } = {},
) {
  const staff = await signedIn('staff');
  const lead = await signedIn('project_lead');
  const project = await createProject();
  await ctx().deps.db('projects').where({ id: project.id }).update({ lead_user_id: lead.user.id });
  const s = await staff.post('/api/sessions', {
    projectId: project.id,
    title: 'Atelier remboursements',
    kind: 'workshop',
    capacity: 10,
    startsAt: options.startsAt ?? '2026-03-12T14:00:00+01:00',
    endsAt: options.endsAt ?? '2026-03-12T17:00:00+01:00',
  });
  if (s.status !== 201) throw new Error(s.text);
  const person = await createParticipant({
    email: options.email,
    preferredChannel: options.preferredChannel,
    contactConsent: true,
  });
  await ctx()
    .deps.db('session_participants')
    .insert({ session_id: s.body.id, participant_id: person.id, status: 'attended', walk_in: true });
  return { staff, lead, project, sessionId: s.body.id as string, person };
}

export const MILEAGE = { kind: 'mileage', distanceDeciKm: 420, fiscalPower: 'cv_5_or_less' };
export const TICKET = (amountCents: number) => ({ kind: 'public_transport', amountCents });
