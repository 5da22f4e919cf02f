import { byKind, code, freeText, personal, plain, staffRef, typedText, type TableDecl } from './types.js';
import { FROM_PERSON, THEIR_DOCUMENT } from './export.js';
import { receiptFilesSql } from '../accounting-repo.js';
import { LOGISTICS_REGISTRY } from './logistics.js';
import { GRANTS_REGISTRY } from './grants.js';

/**
 * The personal-data registry: every column of every table of the public schema, declared
 * personal or not; for personal ones whose data it is, its category, purpose, legal basis,
 * retention rule and erasure. It drives archiving, anonymisation, erasure, the access export
 * and the processing register. A test fails when a table or column is undeclared, so every
 * new migration declares its columns here (docs/personal-data.md).
 */
const P = (...args: Parameters<typeof personal> extends [unknown, ...infer R] ? R : never) =>
  personal('participant', ...args);
const timestamps = { created_at: plain(), updated_at: plain() };
const contact = P('contact', 'participation', 'consent', 'active');
const consentProof = P('consent_record', 'accountability', 'legal_obligation', 'kept');
const requestRecord = P('request_record', 'rights', 'legal_obligation', 'kept');
const bank = personal('payee', 'bank', 'reimbursement', 'legal_obligation', 'accounting');
/** A consent evidence file: erased with the active data. */
const consentEvidence = P('evidence', 'accountability', 'legal_obligation', 'active');
/** A receipt of a paid claim: an accounting record, kept in the restricted archive until anonymisation. */
const paidReceipt = P('evidence', 'reimbursement', 'legal_obligation', 'accounting');
/** A receipt of a claim never paid: erased with the active data. */
const unpaidReceipt = P('evidence', 'reimbursement', 'public_task', 'active');
/** A frozen SEPA file (names and IBANs of a batch's payees, encrypted): an accounting record, erased when one of its people is anonymised. */
const bankFile = personal('payee', 'bank', 'reimbursement', 'legal_obligation', 'accounting');

export const REGISTRY: Record<string, TableDecl> = {
  participants: {
    owner: 'participants',
    label: 'Personnes accompagnées qui participent',
    participantLink: 'id = ANY(?::uuid[])',
    export: {
      source: FROM_PERSON,
      columns: {
        reference: 'Numéro de dossier',
        civility: 'Civilité',
        first_name: 'Prénom',
        last_name: 'Nom',
        email: 'Courriel',
        phone: 'Téléphone',
        address_line1: 'Adresse',
        address_line2: 'Complément d’adresse',
        postal_code: 'Code postal',
        commune_insee: 'Code de la commune',
        commune_name: 'Commune',
        preferred_channel: 'Comment vous préférez être contacté',
        partner: {
          label: 'Structure qui vous accompagne',
          sql: '(SELECT name FROM partners WHERE partners.id = participants.partner_id)',
        },
        is_minor: 'Mineur',
        guardian_name: 'Représentant légal',
        guardian_email: 'Courriel du représentant légal',
        guardian_phone: 'Téléphone du représentant légal',
        guardian_consent_on: 'Accord du représentant légal le',
        needs: 'Vos besoins pour participer',
        needs_note: 'Précision sur vos besoins',
        profile_age_band: 'Tranche d’âge',
        profile_activity: 'Activité',
        profile_household: 'Foyer',
        profile_commune_insee: 'Commune (statistiques)',
        status: 'État du dossier',
        last_contact_at: 'Dernier contact',
        created_at: 'Dossier créé le',
        archived_at: 'Archivé le',
        anonymised_at: 'Anonymisé le',
      },
    },
    columns: {
      id: plain('random identifier'),
      reference: P('pseudonymous_id', 'accountability', 'legal_obligation', 'kept'),
      status: plain('lifecycle state'),
      civility: P('identity', 'participation', 'consent', 'active'),
      first_name: P('identity', 'reimbursement', 'legal_obligation', 'accounting'),
      last_name: P('identity', 'reimbursement', 'legal_obligation', 'accounting'),
      email: contact,
      phone: contact,
      address_line1: contact,
      address_line2: contact,
      postal_code: contact,
      commune_insee: contact,
      commune_name: contact,
      preferred_channel: P('contact', 'participation', 'consent', 'active', { erasure: { constant: "'letter'" } }),
      partner_id: P('relationship', 'participation', 'consent', 'active'),
      is_minor: P('identity', 'participation', 'consent', 'active', { erasure: { constant: 'false' } }),
      guardian_name: personal('guardian', 'identity', 'participation', 'consent', 'active'),
      guardian_email: personal('guardian', 'contact', 'participation', 'consent', 'active'),
      guardian_phone: personal('guardian', 'contact', 'participation', 'consent', 'active'),
      guardian_consent_on: personal('guardian', 'consent_record', 'participation', 'consent', 'active'),
      needs: P('special_category_health', 'needs', 'explicit_consent', 'active', {
        specialCategory: true,
        erasure: { constant: "'{}'" },
      }),
      needs_note: freeText(
        P('special_category_health', 'needs', 'explicit_consent', 'active', { specialCategory: true }),
      ),
      profile_age_band: P('profile', 'representativeness', 'consent', 'active'),
      profile_activity: P('profile', 'representativeness', 'consent', 'active'),
      profile_household: P('profile', 'representativeness', 'consent', 'active'),
      profile_commune_insee: P('profile', 'representativeness', 'consent', 'active'),
      merged_into_id: plain('link between two records of one person'),
      last_contact_at: P('lifecycle', 'accountability', 'legal_obligation', 'kept'),
      // Folded copies for the list's sort and search (server/participants/search-columns.ts),
      // erased with their sources: the names at anonymisation ('' keeps the sort column NOT
      // NULL), the contacts at archiving. Not exported: the export gives the sources.
      sort_name: P('identity', 'reimbursement', 'legal_obligation', 'accounting', { erasure: { constant: "''" } }),
      search_contact: contact,
      archived_at: plain(),
      anonymised_at: plain(),
      created_by: staffRef(),
      ...timestamps,
    },
  },
  payees: {
    owner: 'payees',
    label: 'Bénéficiaires des remboursements et leurs coordonnées bancaires',
    participantLink: 'participant_id = ANY(?::uuid[])',
    // A childcare provider or an association paid for the person is someone else: the export
    // says such a payee exists, never its name or account.
    export: {
      source: FROM_PERSON,
      columns: {
        kind: 'Qui reçoit l’argent',
        name: {
          label: 'Nom',
          sql: "CASE WHEN payees.kind IN ('participant', 'legal_representative') THEN payees.name END",
        },
        iban_masked: {
          label: 'Compte bancaire (masqué)',
          sql: "CASE WHEN payees.kind IN ('participant', 'legal_representative') THEN payees.iban_masked END",
        },
        bic: {
          label: 'BIC',
          sql: "CASE WHEN payees.kind IN ('participant', 'legal_representative') THEN payees.bic END",
        },
        active: 'En service',
        created_at: 'Enregistré le',
      },
    },
    columns: {
      id: plain(),
      participant_id: plain('link to the participant'),
      kind: plain('kind of payee'),
      name: personal('payee', 'identity', 'reimbursement', 'legal_obligation', 'accounting'),
      partner_id: plain('a partner organisation'),
      iban_ciphertext: bank,
      iban_key_id: bank,
      iban_hash: bank,
      iban_masked: bank,
      bic: bank,
      own_iban_override_reason: personal('payee', 'free_text', 'reimbursement', 'legal_obligation', 'accounting'),
      active: plain(),
      created_by: staffRef(),
      ...timestamps,
    },
  },
  consents: {
    owner: 'consents',
    label: 'Consentements et leur retrait',
    participantLink: 'participant_id = ANY(?::uuid[])',
    export: {
      source: FROM_PERSON,
      columns: {
        purpose: {
          label: 'Pour quoi',
          sql: '(SELECT label FROM consent_purposes WHERE consent_purposes.code = consents.purpose_code)',
        },
        legal_basis: 'Base légale',
        text_version: 'Version du texte',
        channel: 'Comment vous l’avez donné',
        given_on: 'Donné le',
        expires_on: 'Valable jusqu’au',
        withdrawn_on: 'Retiré le',
        withdrawal_channel: 'Comment vous l’avez retiré',
      },
    },
    columns: {
      id: plain(),
      participant_id: plain('link to the participant'),
      purpose_code: code('a consent purpose code'),
      legal_basis: plain(),
      text_version: plain(),
      channel: consentProof,
      witness_user_id: staffRef(),
      given_on: consentProof,
      expires_on: consentProof,
      evidence_file_id: plain('link to the evidence file, whose content the lifecycle erases'),
      withdrawn_on: consentProof,
      withdrawal_channel: consentProof,
      withdrawn_by: staffRef(),
      superseded_by: plain(),
      recorded_by: staffRef(),
      created_at: plain(),
    },
  },
  files: {
    owner: 'shared',
    label: 'Documents déposés (preuves de consentement, justificatifs, factures) et fichiers de virement figés',
    erasedMarker: 'erased_at',
    columns: {
      id: plain(),
      sha256: plain('hash of the content, to recognise one document backing several records'),
      media_type: plain(),
      size_bytes: plain(),
      content: byKind(),
      original_name: byKind(),
      purpose: plain('kind of document'),
      key_id: code('id of the keyring key that encrypts the content (frozen payment files)'),
      created_by: staffRef(),
      created_at: plain(),
      erased_at: plain(),
    },
    // Erasing a document empties `content` (and its name) and sets `erased_at`; the row and
    // the SHA-256 stay, so the accounts and evidence bundles still name what existed.
    kinds: {
      consent_evidence: {
        label: 'Preuves de consentement',
        rows: "purpose = 'consent_evidence'",
        participantLink: 'id IN (SELECT evidence_file_id FROM consents WHERE participant_id = ANY(?::uuid[]))',
        columns: { content: consentEvidence, original_name: freeText(consentEvidence) },
        export: THEIR_DOCUMENT,
      },
      receipt_paid: {
        label: 'Justificatifs des demandes accordées, en paiement ou payées (pièces comptables)',
        rows: "purpose = 'receipt'",
        participantLink: receiptFilesSql(true),
        columns: { content: paidReceipt, original_name: freeText(paidReceipt) },
        export: THEIR_DOCUMENT,
      },
      receipt_unpaid: {
        label: 'Justificatifs des autres demandes (brouillon, déposée, refusée, annulée)',
        rows: "purpose = 'receipt'",
        participantLink: receiptFilesSql(false),
        columns: { content: unpaidReceipt, original_name: freeText(unpaidReceipt) },
        export: THEIR_DOCUMENT,
      },
      invoice: {
        label: 'Factures des fournisseurs (dépenses des subventions)',
        rows: "purpose = 'invoice'",
        note: 'Hors du cycle de vie des participants : pièces comptables d’une entreprise ou d’une association, conservées avec la dépense',
        columns: {
          content: plain(
            'a supplier invoice (expenses.invoice_file_id): a document of a company or association, not participant data',
          ),
          original_name: typedText('name of a supplier invoice file'),
        },
      },
      payment_file: {
        label: 'Fichiers de virement SEPA des lots exportés (figés à l’export, chiffrés)',
        rows: "purpose = 'payment_file'",
        participantLink:
          'id IN (SELECT b.sepa_file_id FROM payment_batches b JOIN payments p ON p.batch_id = b.id WHERE p.participant_id = ANY(?::uuid[]))',
        columns: { content: bankFile, original_name: code('name of a bank file: the batch reference') },
        export: {
          excluded:
            'Le fichier de virement d’un lot nomme aussi les autres personnes payées ; vos paiements figurent dans « Paiements ».',
        },
      },
    },
  },
  privacy_figures: {
    owner: 'privacy',
    label: 'Prévisions de la conservation, calculées en arrière-plan (nombres de personnes par mois)',
    columns: {
      name: code('which figure'),
      computed_at: plain(),
      figures: code('counts computed by the service, no text typed by anyone'),
    },
  },
  privacy_requests: {
    owner: 'privacy',
    label: 'Demandes d’exercice des droits',
    participantLink: 'participant_id = ANY(?::uuid[])',
    // The outcome note is written by the DPO: the outcome itself is given (its code and date).
    export: {
      source: FROM_PERSON,
      columns: {
        reference: 'Référence',
        kind: 'Demande',
        received_on: 'Reçue le',
        channel: 'Reçue par',
        requester_note: 'Ce que vous avez demandé',
        due_on: 'Réponse au plus tard le',
        status: 'État',
        outcome_code: 'Réponse',
        completed_on: 'Close le',
      },
    },
    columns: {
      id: plain(),
      reference: code('request reference'),
      participant_id: plain('link to the participant'),
      kind: requestRecord,
      received_on: requestRecord,
      channel: requestRecord,
      requester_note: freeText(P('free_text', 'rights', 'legal_obligation', 'active')),
      due_on: plain(),
      status: plain(),
      outcome_code: code(),
      outcome_note: freeText(P('free_text', 'rights', 'legal_obligation', 'active')),
      completed_on: plain(),
      handled_by: staffRef(),
      created_by: staffRef(),
      ...timestamps,
    },
  },
  partners: {
    owner: 'partners',
    label: 'Structures relais (associations, services)',
    columns: {
      id: plain(),
      name: typedText('name of an organisation'),
      kind: plain(),
      contact_name: personal('partner_contact', 'identity', 'partners', 'legitimate_interest', 'partner_relationship'),
      email: personal('partner_contact', 'contact', 'partners', 'legitimate_interest', 'partner_relationship'),
      phone: personal('partner_contact', 'contact', 'partners', 'legitimate_interest', 'partner_relationship'),
      address_line1: typedText('address of an organisation'),
      postal_code: typedText('postal code of an organisation'),
      commune_insee: plain(),
      commune_name: typedText('commune of an organisation'),
      sort_name: typedText('folded copy of the name of an organisation, for sort and search'),
      // Folded copy of the name, contact, commune and e-mail, for the list's search: holds the contact's name and e-mail.
      search_text: personal('partner_contact', 'contact', 'partners', 'legitimate_interest', 'partner_relationship'),
      notes: freeText(
        personal('partner_contact', 'free_text', 'partners', 'legitimate_interest', 'partner_relationship'),
      ),
      active: plain(),
      created_by: staffRef(),
      ...timestamps,
    },
  },
  imports: {
    owner: 'shared',
    label: 'Imports de tableurs en attente de confirmation',
    columns: {
      id: plain(),
      kind: plain(),
      status: plain(),
      mapping: code('column names'),
      rows: P('identity', 'imports', 'consent', 'import_preview'),
      report: code('row numbers, fields and messages, never values'),
      valid_count: plain(),
      error_count: plain(),
      created_by: staffRef(),
      created_at: plain(),
      expires_at: plain(),
      confirmed_at: plain(),
    },
  },
  consent_purposes: {
    owner: 'consents',
    label: 'Catalogue des finalités de consentement',
    columns: {
      code: plain(),
      label: typedText('label of a consent purpose'),
      text: typedText('the consent text people agree to'),
      legal_basis: plain(),
      special_category: plain(),
      text_version: plain(),
      validity_months: plain(),
      active: plain(),
      position: plain(),
      updated_at: plain(),
    },
  },
  users: {
    owner: 'auth',
    label: 'Comptes du personnel',
    columns: {
      id: plain(),
      email: personal('staff', 'staff_identity', 'staff_access', 'public_task', 'staff_account'),
      name: personal('staff', 'staff_identity', 'staff_access', 'public_task', 'staff_account'),
      password_hash: personal('staff', 'authentication', 'security', 'legal_obligation', 'staff_account'),
      roles: plain(),
      active: plain(),
      must_change_password: plain(),
      password_changed_at: personal('staff', 'technical', 'security', 'legal_obligation', 'staff_account'),
      last_login_at: personal('staff', 'technical', 'security', 'legal_obligation', 'staff_account'),
      ...timestamps,
    },
  },
  web_sessions: {
    owner: 'auth',
    label: 'Sessions de connexion du personnel',
    columns: {
      id_hash: personal('staff', 'authentication', 'security', 'legal_obligation', 'session'),
      user_id: staffRef('session'),
      csrf_token: personal('staff', 'authentication', 'security', 'legal_obligation', 'session'),
      flash: code('a one-time interface message: references and counts, never names'),
      created_at: personal('staff', 'technical', 'security', 'legal_obligation', 'session'),
      last_seen_at: personal('staff', 'technical', 'security', 'legal_obligation', 'session'),
      expires_at: plain(),
    },
  },
  api_tokens: {
    owner: 'auth',
    label: 'Jetons d’accès à l’API',
    columns: {
      id: plain(),
      user_id: staffRef(),
      name: typedText('label of the token'),
      token_hash: personal('staff', 'authentication', 'security', 'legal_obligation', 'staff_account'),
      prefix: personal('staff', 'authentication', 'security', 'legal_obligation', 'staff_account'),
      roles: plain(),
      created_at: plain(),
      expires_at: plain(),
      revoked_at: plain(),
      last_used_at: personal('staff', 'technical', 'security', 'legal_obligation', 'staff_account'),
    },
  },
  login_attempts: {
    owner: 'auth',
    label: 'Tentatives de connexion échouées',
    columns: {
      key: personal('staff', 'pseudonymous_id', 'security', 'legal_obligation', 'security_window'),
      window_start: plain(),
      failures: plain(),
    },
  },
  organisation_settings: {
    owner: 'settings',
    label: 'Paramètres de l’organisation',
    columns: {
      id: plain(),
      data: personal('staff', 'contact', 'organisation', 'legal_obligation', 'organisation'),
      version: plain(),
      updated_at: plain(),
      updated_by: staffRef(),
    },
  },
  audit_events: {
    owner: 'audit',
    label: 'Journal d’audit',
    columns: {
      id: plain(),
      occurred_at: plain(),
      actor_user_id: staffRef('audit'),
      actor_token_id: staffRef('audit'),
      action: code(),
      record_type: code(),
      record_id: code('a record id, never personal data itself'),
      reason_code: code(),
      request_id: code(),
      data: code('ids, codes and counts only'),
    },
  },
  audit_chain: {
    owner: 'audit',
    label: 'Chaîne d’empreintes du journal d’audit',
    columns: { seq: plain(), event_id: plain(), prev_hash: code(), hash: code(), sealed_at: plain() },
  },
  reference_counters: {
    owner: 'shared',
    label: 'Compteurs des références',
    columns: { prefix: code(), year: plain(), last_value: plain() },
  },
  jobs: {
    owner: 'jobs',
    label: 'Traitements longs (conservation, imports, exports)',
    columns: {
      id: plain(),
      kind: code(),
      status: plain(),
      progress: plain(),
      total: plain(),
      params: code('options, never personal data'),
      result: code('counts and ids only'),
      error_code: code(),
      created_by: staffRef(),
      created_at: plain(),
      started_at: plain(),
      finished_at: plain(),
      heartbeat_at: plain(),
    },
  },
  ...LOGISTICS_REGISTRY,
  ...GRANTS_REGISTRY,
};
