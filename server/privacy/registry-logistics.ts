import { personal, plain, staffRef, type TableDecl } from './registry-types.js';

/** Registry of the logistics tables (projects, venues, sessions, bookings, attendance) and the outbox. */
const venueContact = (category: 'identity' | 'contact' | 'free_text') => personal('partner_contact', category, 'partners', 'legitimate_interest', 'partner_relationship');
const timestamps = { created_at: plain(), updated_at: plain() };

export const LOGISTICS_REGISTRY: Record<string, TableDecl> = {
  projects: {
    label: 'Démarches participatives',
    columns: {
      id: plain(), name: plain(), description: plain('describes a project, not a person'), participation_level: plain(),
      lead_user_id: staffRef(), starts_on: plain(), ends_on: plain(), status: plain(), solicitation_limit: plain(),
      allowance_enabled: plain(), allowance_half_day_cents: plain(), created_by: staffRef(), ...timestamps,
    },
  },
  project_budget: { label: 'Budget prévu par catégorie', columns: { project_id: plain(), category: plain(), planned_cents: plain() } },
  project_targets: { label: 'Composition cible du panel', columns: { project_id: plain(), dimension: plain(), value: plain(), percent: plain() } },
  venues: {
    label: 'Lieux et salles',
    columns: {
      id: plain(), name: plain(), address: plain('address of a venue'), postal_code: plain(), commune_insee: plain(), commune_name: plain(),
      capacity: plain(), step_free_access: plain(), accessible_toilets: plain(), hearing_loop: plain(), pmr_parking: plain(), childcare_space: plain(),
      transport_access: plain(), cost_mode: plain(), cost_cents: plain(),
      contact_name: venueContact('identity'), contact_phone: venueContact('contact'), contact_email: venueContact('contact'), notes: venueContact('free_text'),
      active: plain(), created_by: staffRef(), ...timestamps,
    },
  },
  sessions: {
    label: 'Sessions (ateliers, comités, entretiens)',
    columns: {
      id: plain(), project_id: plain(), title: plain(), kind: plain(), starts_at: plain(), ends_at: plain(), status: plain(), capacity: plain(),
      meal_provided: plain(), childcare_on_site: plain(), cancelled_at: plain(), created_by: staffRef(), ...timestamps,
    },
  },
  bookings: {
    label: 'Réservations de lieux',
    columns: {
      id: plain(), venue_id: plain(), session_id: plain(), during: plain(), status: plain(), cost_cents: plain(), option_expires_at: plain(),
      confirmed_at: plain(), cancelled_at: plain(), created_by: staffRef(), ...timestamps,
    },
  },
  session_participants: {
    label: 'Invitations et présences',
    participantLink: 'participant_id = ANY(?::uuid[])',
    columns: {
      session_id: plain(),
      participant_id: plain('link to the participant'),
      status: personal('participant', 'consent_record', 'accountability', 'public_task', 'kept'),
      walk_in: plain(),
      invited_at: personal('participant', 'consent_record', 'accountability', 'public_task', 'kept'),
      replied_at: personal('participant', 'consent_record', 'accountability', 'public_task', 'kept'),
      attendance_recorded_at: plain(),
      override_reason_code: plain(),
      override_reason: personal('participant', 'free_text', 'participation', 'public_task', 'active'),
    },
  },
  outbox_messages: {
    label: 'Messages envoyés aux participants (e-mails et courriers)',
    participantLink: 'participant_id = ANY(?::uuid[])',
    columns: {
      id: plain(), message_id: plain(), channel: plain(), template: plain(), participant_id: plain('link to the participant'),
      recipient_email: personal('participant', 'contact', 'participation', 'consent', 'active'),
      recipient_name: personal('participant', 'identity', 'participation', 'consent', 'active'),
      subject: plain('the subject line of a template, without names'),
      body_text: personal('participant', 'free_text', 'participation', 'consent', 'active'),
      body_html: personal('participant', 'free_text', 'participation', 'consent', 'active'),
      status: plain(), attempts: plain(), next_attempt_at: plain(), lease_until: plain(), last_error_code: plain(),
      related_type: plain(), related_id: plain(), created_at: plain(), delivered_at: plain(),
    },
  },
};
