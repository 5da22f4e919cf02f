import { code, freeText, personal, plain, staffRef, typedText, type TableDecl } from './types.js';
import { FROM_FINANCE } from './export.js';

/** Registry of the grant and budget tables. Grant justifications quote the participant reference only. */
const timestamps = { created_at: plain(), updated_at: plain() };
/** Amounts and dates of a claim line turned into an expense: kept for the accounts and grant justifications. */
const claimEvidence = personal('participant', 'evidence', 'reimbursement', 'legal_obligation', 'kept');
/**
 * Text finance types on an expense (what it paid for, the supplier, why a budget line was
 * exceeded). On invoices it is about a supplier; on the expenses of a participant's claim it
 * may quote them, so there it is erased with the active data (the amounts stay).
 */
const expenseText = (erasure: 'set_null' | { constant: string }) =>
  freeText(personal('participant', 'free_text', 'accountability', 'public_task', 'active', { erasure }));

export const GRANTS_REGISTRY: Record<string, TableDecl> = {
  grants: {
    owner: 'grants',
    label: 'Subventions et financements (financeur, convention, période, taux, plafonds)',
    columns: {
      id: plain(),
      reference: code('grant reference (F-YYYY-NNNNN)'),
      funder: typedText('a funding body'),
      programme: typedText('a funding programme'),
      axis: typedText('an axis of a programme'),
      agreement_number: typedText('number of a grant agreement'),
      period_start: plain(),
      period_end: plain(),
      total_cents: plain(),
      cofunding_rate_bp: plain(),
      eligible_categories: code('expense categories'),
      status: plain(),
      created_by: staffRef(),
      version: plain(),
      ...timestamps,
    },
  },
  grant_ceilings: {
    owner: 'grants',
    label: 'Plafonds annuels des subventions',
    columns: { grant_id: plain(), year: plain(), ceiling_cents: plain() },
  },
  grant_projects: {
    owner: 'grants',
    label: 'Projets financés par chaque subvention et part prise',
    columns: { grant_id: plain(), project_id: plain(), share_bp: plain() },
  },
  budget_lines: {
    owner: 'grants',
    label: 'Lignes budgétaires (catégorie × année)',
    columns: { id: plain(), grant_id: plain(), category: plain(), year: plain(), amount_cents: plain(), ...timestamps },
  },
  expenses: {
    owner: 'grants',
    label: 'Dépenses (lignes de demandes, réservations de salles, factures)',
    participantLink: 'participant_id = ANY(?::uuid[])',
    // Description, supplier and override reason are typed by finance.
    export: {
      source: FROM_FINANCE,
      columns: {
        reference: 'Référence',
        category: 'Catégorie',
        amount_cents: 'Montant',
        incurred_on: 'Date de la dépense',
        status: 'État',
        paid_on: 'Payée le',
      },
    },
    columns: {
      id: plain(),
      reference: code('expense reference (DEP-YYYY-NNNNN)'),
      project_id: plain(),
      category: plain(),
      source: plain(),
      claim_line_id: plain(),
      claim_id: plain(),
      participant_id: plain('link to the participant (statements print the reference only)'),
      booking_id: plain(),
      session_id: plain(),
      description: expenseText({ constant: "''" }),
      supplier: expenseText({ constant: "''" }),
      invoice_number: expenseText({ constant: "''" }),
      invoice_file_id: plain('link to the invoice file'),
      amount_cents: claimEvidence,
      incurred_on: claimEvidence,
      status: plain(),
      committed_at: plain(),
      paid_on: claimEvidence,
      cancelled_at: plain(),
      override_reason: expenseText('set_null'),
      created_by: staffRef(),
      ...timestamps,
    },
  },
  grant_figures: {
    owner: 'grant-reports',
    label: 'Indicateurs d’ensemble d’un financement, calculés en arrière-plan (personnes présentes, heures)',
    columns: {
      grant_id: plain(),
      computed_at: plain(),
      figures: code('counts computed by the service, no text typed by anyone'),
    },
  },
  grant_part_rollup: {
    owner: 'grants',
    label:
      'Totaux des parts de dépenses par subvention, ligne, démarche, catégorie, état et jour (tenus à jour par la base)',
    columns: {
      id: plain(),
      grant_id: plain(),
      budget_line_id: plain(),
      project_id: plain(),
      category: code('the expenses’ category'),
      source: code('the expenses’ source'),
      status: code('the expenses’ status'),
      incurred_on: plain(),
      paid_on: plain(),
      part_count: plain(),
      amount_cents: plain(),
      compacted: plain(),
    },
  },
  expense_rollup: {
    owner: 'grants',
    label: 'Totaux des dépenses par démarche, catégorie, état et jour (tenus à jour par la base)',
    columns: {
      id: plain(),
      project_id: plain(),
      category: code('the expenses’ category'),
      source: code('the expenses’ source'),
      status: code('the expenses’ status'),
      incurred_on: plain(),
      paid_on: plain(),
      expense_count: plain(),
      amount_cents: plain(),
      compacted: plain(),
    },
  },
  expense_parts: {
    owner: 'grants',
    label: 'Répartition des dépenses entre subventions',
    participantLink: 'expense_id IN (SELECT id FROM expenses WHERE participant_id = ANY(?::uuid[]))',
    export: {
      excluded:
        'La part de chaque financeur dans une dépense : un calcul comptable, sans rien de plus sur vous que le montant, donné dans « Dépenses ».',
    },
    columns: {
      id: plain(),
      expense_id: plain(),
      grant_id: plain(),
      budget_line_id: plain(),
      amount_cents: claimEvidence,
    },
  },
  drawdowns: {
    owner: 'grant-reports',
    label: 'Demandes de versement (appels de fonds)',
    columns: {
      id: plain(),
      grant_id: plain(),
      number: plain(),
      period_from: plain(),
      period_to: plain(),
      eligible_actual_cents: plain(),
      cofunding_rate_bp: plain(),
      requested_cents: plain(),
      created_by: staffRef(),
      created_at: plain(),
    },
  },
  drawdown_years: {
    owner: 'grant-reports',
    label: 'Montants demandés par année',
    columns: { drawdown_id: plain(), year: plain(), eligible_actual_cents: plain(), requested_cents: plain() },
  },
  drawdown_parts: {
    owner: 'grant-reports',
    label: 'Parts de dépenses demandées (et retirées)',
    columns: { drawdown_id: plain(), expense_part_id: plain(), paid_on: plain(), withdrawn_by: plain() },
  },
  grant_report_notes: {
    owner: 'grant-reports',
    label: 'Explications des écarts du compte rendu financier',
    columns: {
      grant_id: plain(),
      year: plain(),
      category: code('an expense category'),
      explanation: typedText('explains a budget gap, written by finance'),
      updated_by: staffRef(),
      updated_at: plain(),
    },
  },
  auditor_scopes: {
    owner: 'grants',
    label: 'Accès limités des auditeurs (subventions, période, expiration)',
    columns: {
      id: plain(),
      user_id: staffRef(),
      grant_id: plain(),
      from_date: plain(),
      to_date: plain(),
      expires_at: plain(),
      created_by: staffRef(),
      created_at: plain(),
    },
  },
};
