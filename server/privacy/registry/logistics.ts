import { code, freeText, personal, plain, staffRef, typedText, type TableDecl } from './types.js';
import { FROM_CLAIMS, FROM_FINANCE, FROM_MESSAGES, FROM_SESSIONS, claimRef } from './export.js';

/** Registry of the logistics tables (projects, venues, sessions, bookings, attendance), the claims and the outbox. */
const venueContact = (category: 'identity' | 'contact' | 'free_text') => personal('partner_contact', category, 'partners', 'legitimate_interest', 'partner_relationship');
const timestamps = { created_at: plain(), updated_at: plain() };
/** Amounts, dates and times of a claim: kept for the accounts and grant justifications (by reference only). */
const claimEvidence = personal('participant', 'evidence', 'reimbursement', 'legal_obligation', 'kept');
/** Free-text notes of a decision or an override: erased with the active data. */
const claimText = freeText(personal('participant', 'free_text', 'reimbursement', 'public_task', 'active'));
/** The payee's name and bank details as exported: an accounting record, erased at anonymisation. */
const payeeSnapshot = (category: 'identity' | 'bank') => personal('payee', category, 'reimbursement', 'legal_obligation', 'accounting');

export const LOGISTICS_REGISTRY: Record<string, TableDecl> = {
  projects: {
    owner: 'projects',
    label: 'Démarches participatives',
    columns: {
      id: plain(), name: typedText('name of a project'), description: typedText('describes a project, not a person'), participation_level: plain(),
      lead_user_id: staffRef(), starts_on: plain(), ends_on: plain(), status: plain(), solicitation_limit: plain(),
      allowance_enabled: plain(), allowance_half_day_cents: plain(), created_by: staffRef(), ...timestamps,
    },
  },
  project_budget: { owner: 'projects', label: 'Budget prévu par catégorie', columns: { project_id: plain(), category: plain(), planned_cents: plain() } },
  project_targets: { owner: 'projects', label: 'Composition cible du panel', columns: { project_id: plain(), dimension: plain(), value: code('a profile value such as 16-24'), percent: plain() } },
  venues: {
    owner: 'venues',
    label: 'Lieux et salles',
    columns: {
      id: plain(), name: typedText('name of a venue'), address: typedText('address of a venue'), postal_code: plain(), commune_insee: plain(), commune_name: typedText('commune of a venue'),
      capacity: plain(), step_free_access: plain(), accessible_toilets: plain(), hearing_loop: plain(), pmr_parking: plain(), childcare_space: plain(),
      transport_access: typedText('how to reach a venue'), cost_mode: plain(), cost_cents: plain(),
      contact_name: venueContact('identity'), contact_phone: venueContact('contact'), contact_email: venueContact('contact'), notes: freeText(venueContact('free_text')),
      active: plain(), created_by: staffRef(), ...timestamps,
    },
  },
  sessions: {
    owner: 'sessions',
    label: 'Sessions (ateliers, comités, entretiens)',
    columns: {
      id: plain(), project_id: plain(), title: typedText('title of a session'), kind: plain(), starts_at: plain(), ends_at: plain(), status: plain(), capacity: plain(),
      meal_provided: plain(), childcare_on_site: plain(), cancelled_at: plain(), created_by: staffRef(), ...timestamps,
    },
  },
  bookings: {
    owner: 'venues',
    label: 'Réservations de lieux',
    columns: {
      id: plain(), venue_id: plain(), session_id: plain(), during: plain(), status: plain(), cost_cents: plain(), option_expires_at: plain(),
      confirmed_at: plain(), cancelled_at: plain(), created_by: staffRef(), ...timestamps,
    },
  },
  session_participants: {
    owner: 'sessions',
    label: 'Invitations et présences',
    participantLink: 'participant_id = ANY(?::uuid[])',
    // Only the person's own row: other attendees are other rows. The override reason is a staff note.
    export: {
      source: FROM_SESSIONS,
      columns: {
        session: { label: 'Session', sql: '(SELECT title FROM sessions WHERE sessions.id = session_participants.session_id)' },
        session_starts_at: { label: 'Date', sql: '(SELECT starts_at FROM sessions WHERE sessions.id = session_participants.session_id)' },
        status: 'Invitation ou présence', walk_in: 'Venu sans invitation', invited_at: 'Invité le', replied_at: 'Réponse le', attendance_recorded_at: 'Présence notée le',
      },
    },
    columns: {
      session_id: plain(),
      participant_id: plain('link to the participant'),
      status: personal('participant', 'consent_record', 'accountability', 'public_task', 'kept'),
      walk_in: plain(),
      invited_at: personal('participant', 'consent_record', 'accountability', 'public_task', 'kept'),
      replied_at: personal('participant', 'consent_record', 'accountability', 'public_task', 'kept'),
      attendance_recorded_at: plain(),
      override_reason_code: plain(),
      override_reason: freeText(personal('participant', 'free_text', 'participation', 'public_task', 'active')),
    },
  },
  claims: {
    owner: 'claims',
    label: 'Demandes de remboursement (frais de transport, de garde, indemnités)',
    participantLink: 'participant_id = ANY(?::uuid[])',
    // The decision and override notes are staff notes: the decision itself (amounts, reason code) is given.
    export: {
      source: FROM_CLAIMS,
      columns: {
        reference: 'Référence', project: { label: 'Projet', sql: '(SELECT name FROM projects WHERE projects.id = claims.project_id)' },
        status: 'État', is_advance: 'Avance', departure_at: 'Départ', return_at: 'Retour', submitted_at: 'Déposée le', decided_at: 'Décidée le', cancelled_at: 'Annulée le',
        amount_requested_cents: 'Montant demandé', amount_eligible_cents: 'Montant calculé', amount_granted_cents: 'Montant accordé', amount_to_pay_cents: 'Montant à payer',
        to_recover_cents: 'Montant à rembourser', decision_reason_code: 'Motif de la décision',
      },
    },
    columns: {
      id: plain(), reference: code('claim reference (R-YYYY-NNNNN)'), participant_id: plain('link to the participant'), payee_id: plain('link to the payee'),
      project_id: plain(), status: plain(), is_advance: plain(), advance_of_claim_id: plain(),
      departure_at: claimEvidence, return_at: claimEvidence,
      submitted_at: plain(), decided_at: plain(), decided_by: staffRef(), entered_by: staffRef(), cancelled_at: plain(),
      flags: code('review flags (codes)'), late: plain(),
      amount_requested_cents: claimEvidence, amount_eligible_cents: claimEvidence, amount_granted_cents: claimEvidence,
      amount_to_pay_cents: claimEvidence, to_recover_cents: claimEvidence,
      decision_reason_code: code('a reason code, such as effacement'), decision_note: claimText, override_reason: claimText,
      version: plain(), ...timestamps,
    },
  },
  claim_sessions: { owner: 'claims', label: 'Sessions concernées par chaque demande', columns: { claim_id: plain(), session_id: plain() } },
  claim_hands: {
    owner: 'claims',
    label: 'Qui est intervenu sur chaque demande avant sa décision (séparation des tâches)',
    columns: { id: plain(), claim_id: plain(), user_id: staffRef(), action: plain('code of what was done'), occurred_at: plain(), backfilled: plain() },
  },
  claim_receipts: {
    owner: 'claims',
    label: 'Justificatifs des demandes (le fichier est dans « files »)',
    participantLink: 'claim_id IN (SELECT id FROM claims WHERE participant_id = ANY(?::uuid[]))',
    export: { source: FROM_CLAIMS, columns: { claim: claimRef('claim_receipts'), amount_cents: 'Montant du justificatif', created_at: 'Déposé le' } },
    columns: { id: plain(), claim_id: plain(), file_id: plain('link to the receipt file'), amount_cents: claimEvidence, created_by: staffRef(), created_at: plain() },
  },
  claim_lines: {
    owner: 'claims',
    label: 'Lignes des demandes : montant demandé, calculé, accordé et motif',
    participantLink: 'claim_id IN (SELECT id FROM claims WHERE participant_id = ANY(?::uuid[]))',
    // The reason note is a staff note; the reason code is given.
    export: {
      source: FROM_CLAIMS,
      columns: {
        claim: claimRef('claim_lines'), position: 'Ligne', kind: 'Type de frais', travel_date: 'Date du trajet', category: 'Catégorie', input: 'Ce que vous avez déclaré',
        requested_cents: 'Montant demandé', eligible_cents: 'Montant calculé', granted_cents: 'Montant accordé', explanation: 'Calcul', reason_code: 'Motif',
      },
    },
    columns: {
      id: plain(), seq: plain(), claim_id: plain(), position: plain(), kind: plain(), travel_date: claimEvidence, category: plain(),
      // What the person declared (km, fares, hours, night location, reduced mobility as a cap
      // rule): needed by accounting, erased at anonymisation; amounts and codes stay.
      input: personal('participant', 'evidence', 'reimbursement', 'legal_obligation', 'accounting', { erasure: { constant: "'{}'::jsonb" } }),
      requested_cents: claimEvidence, eligible_cents: claimEvidence, granted_cents: claimEvidence,
      explanation: code('a computation such as 42 km × 0,32 €, without identity'), rule: code('code of the rule applied, never a diagnosis'), flags: code(),
      reason_code: plain(), reason_note: claimText, prior_mileage_decikm: plain('kilometres, frozen at decision'),
      receipt_id: plain(), receipt_reuse_acknowledged: plain(), created_at: plain(),
    },
  },
  payment_batches: {
    owner: 'payments',
    label: 'Lots de paiement (virements, espèces ou chèques par la régie)',
    columns: {
      id: plain(), reference: code('batch reference (B-YYYY-NNNNN)'), status: plain(), kind: plain(), file_format: plain(),
      created_by: staffRef(), exported_at: plain(), exported_by: staffRef(), paid_at: plain(), cancelled_at: plain(), voided_at: plain(),
      void_reason: typedText('why a whole batch was voided, written by finance about the batch'), total_cents: plain('total of a batch'), payment_count: plain(),
      sepa_file_id: plain('link to the frozen SEPA file, whose content the lifecycle erases'),
      own_iban_override_reason: typedText('why finance paid the organisation’s own account, written about the batch'), ...timestamps,
    },
  },
  payments: {
    owner: 'payments',
    label: 'Paiements : un par bénéficiaire dans un lot, avec le nom et l’IBAN chiffré au moment de l’export',
    participantLink: 'participant_id = ANY(?::uuid[])',
    // Paid to a childcare provider or an association: its name is someone else's.
    export: {
      source: FROM_FINANCE,
      columns: {
        batch: { label: 'Lot de paiement', sql: '(SELECT reference FROM payment_batches WHERE payment_batches.id = payments.batch_id)' },
        payee_kind: { label: 'Payé à', sql: '(SELECT kind FROM payees WHERE payees.id = payments.payee_id)' },
        payee_name_snapshot: { label: 'Nom sur le virement', sql: "CASE WHEN (SELECT kind FROM payees WHERE payees.id = payments.payee_id) IN ('participant', 'legal_representative') THEN payments.payee_name_snapshot END" },
        amount_cents: 'Montant', end_to_end_id: 'Référence du virement', status: 'État', rejected_reason_code: 'Motif du rejet', rejected_at: 'Rejeté le', paid_at: 'Payé le',
      },
    },
    columns: {
      id: plain(), batch_id: plain(), position: plain(), participant_id: plain('link to the participant'), payee_id: plain('link to the payee'),
      payee_name_snapshot: payeeSnapshot('identity'), iban_ciphertext_snapshot: payeeSnapshot('bank'), iban_key_id_snapshot: payeeSnapshot('bank'), bic_snapshot: payeeSnapshot('bank'),
      amount_cents: claimEvidence, end_to_end_id: code('batch and claim references'), status: plain(), rejected_reason_code: code('a bank rejection code'), rejected_at: plain(),
      paid_at: claimEvidence, created_at: plain(),
    },
  },
  batch_claims: {
    owner: 'payments',
    label: 'Demandes payées par chaque lot',
    participantLink: 'claim_id IN (SELECT id FROM claims WHERE participant_id = ANY(?::uuid[]))',
    export: { excluded: 'Le lien entre une demande et son lot de paiement : les montants et les dates figurent déjà dans « Demandes » et « Paiements ».' },
    columns: { batch_id: plain(), claim_id: plain(), payment_id: plain(), amount_cents: claimEvidence, voided: plain(), voided_at: plain() },
  },
  idempotency_keys: {
    owner: 'shared',
    label: 'Clés d’idempotence des requêtes d’argent (24 heures)',
    columns: {
      user_id: staffRef(), route: code(), key: code('a random key chosen by the client'), request_hash: code('SHA-256 of the request body'),
      response_status: plain(), response_body: code('the first response: ids, references, codes and amounts, never names'), created_at: plain(),
    },
  },
  reimbursement_policies: {
    owner: 'reimbursement',
    label: 'Barèmes de remboursement (versions)',
    columns: { id: plain(), project_id: plain(), effective_from: plain(), rates: code('rates and caps, no person'), created_by: staffRef(), created_at: plain() },
  },
  outbox_messages: {
    owner: 'notifications',
    label: 'Messages envoyés aux participants (e-mails et courriers)',
    participantLink: 'participant_id = ANY(?::uuid[])',
    // body_html is the same message as body_text, laid out for e-mail.
    export: {
      source: FROM_MESSAGES,
      columns: {
        created_at: 'Écrit le', channel: 'Envoyé par', use: 'Type de message', recipient_name: 'À', recipient_email: 'Courriel', subject: 'Objet', body_text: 'Texte',
        status: 'État', delivered_at: 'Envoyé le',
      },
    },
    columns: {
      id: plain(), message_id: code(), channel: plain(), template: code(), use: code('its use, declared in registry/uses.ts'), participant_id: plain('link to the participant'),
      recipient_email: personal('participant', 'contact', 'participation', 'consent', 'active'),
      recipient_name: personal('participant', 'identity', 'participation', 'consent', 'active'),
      subject: code('the subject line of a template, without names'),
      body_text: personal('participant', 'free_text', 'participation', 'consent', 'active'),
      body_html: personal('participant', 'free_text', 'participation', 'consent', 'active'),
      status: plain(), attempts: plain(), next_attempt_at: plain(), lease_until: plain(), last_error_code: code(),
      related_type: code(), related_id: code(), created_at: plain(), delivered_at: plain(),
    },
  },
};
