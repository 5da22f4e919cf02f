import type { LegalBasis } from './types.js';

/**
 * The uses of contact details (docs/domain.md#messages-and-their-legal-basis): the registry
 * declares columns, and here the messages made from them. The same e-mail or postal address
 * serves invitations (consent) and claim decisions (legal obligation); what decides whether a
 * message may go is its use, not the column.
 *
 * Every template under templates/emails/ belongs to exactly one use (a test walks the folder),
 * and the outbox refuses a template without one. Consent-based uses go only to people with a
 * live `contact` consent (`mayContact` in consents, called by `enqueueMessage`); the others go
 * to everyone, by post or through their association when they have no live consent.
 */
export interface MessageUse {
  /** In French, shown in the processing register. */
  label: string;
  legalBasis: Extract<LegalBasis, 'consent' | 'public_task' | 'legal_obligation'>;
  /** Who receives it: a participant (the consent gate applies) or a staff member. */
  audience: 'participant' | 'staff';
  /** Why this basis, in French (shown in the register). */
  why: string;
  /** Templates under templates/emails/ (`<name>.subject.njk`); a use may have none yet. */
  templates: readonly string[];
}

export const MESSAGE_USES = {
  invitation: {
    label: 'Invitations aux ateliers et réunions',
    legalBasis: 'consent',
    audience: 'participant',
    templates: ['invitation'],
    why: 'Consentement « Vous contacter pour participer » : sans lui, la personne n’est pas invitée et la liste le dit.',
  },
  reminder: {
    label: 'Rappels et changements d’une session (annulation)',
    legalBasis: 'consent',
    audience: 'participant',
    templates: ['session-cancelled'],
    why: 'Suite d’une invitation : même consentement que l’invitation.',
  },
  project_news: {
    label: 'Nouvelles des projets (ce qui a été fait des contributions)',
    legalBasis: 'consent',
    audience: 'participant',
    templates: [],
    why: 'Consentement « Vous contacter pour participer ».',
  },
  retention_notice: {
    label: 'Avis avant la fin de la conservation des données',
    legalBasis: 'consent',
    audience: 'participant',
    templates: [],
    why: 'Consentement « Vous contacter pour participer ».',
  },
  claim_receipt: {
    label: 'Accusés de réception des demandes de remboursement',
    legalBasis: 'public_task',
    audience: 'participant',
    templates: ['claim-received'],
    why: 'Réponse à une demande de la personne : envoyé à tous, par courrier ou par la structure relais sans consentement au contact.',
  },
  claim_decision: {
    label: 'Décisions sur les demandes de remboursement',
    legalBasis: 'legal_obligation',
    audience: 'participant',
    templates: ['claim-decision'],
    why: 'Décision administrative notifiée avec les voies de recours : envoyée à tous, par courrier ou par la structure relais sans consentement au contact.',
  },
  payment_notice: {
    label: 'Avis de paiement',
    legalBasis: 'legal_obligation',
    audience: 'participant',
    templates: ['payment-sent'],
    why: 'Information sur une somme versée (comptabilité publique) : envoyée à tous, par courrier ou par la structure relais sans consentement au contact.',
  },
  staff_notice: {
    label: 'Messages au personnel (essai de l’envoi des courriels)',
    legalBasis: 'public_task',
    audience: 'staff',
    templates: ['test-message'],
    why: 'Fonctionnement du service ; ne concerne aucun participant.',
  },
} as const satisfies Record<string, MessageUse>;

export type MessageUseCode = keyof typeof MESSAGE_USES;

/** Whether messages of this use need the person's live `contact` consent. */
export function isConsentBased(use: MessageUseCode): boolean {
  return MESSAGE_USES[use].legalBasis === 'consent';
}

/** The use a template belongs to; throws for a template no use declares (it cannot be sent). */
export function useOfTemplate(template: string): MessageUseCode {
  const found = (Object.keys(MESSAGE_USES) as MessageUseCode[]).filter((u) =>
    (MESSAGE_USES[u].templates as readonly string[]).includes(template),
  );
  if (found.length !== 1)
    throw new Error(
      `template ${template} has ${found.length ? 'several declared uses' : 'no declared use'} in server/privacy/registry/uses.ts`,
    );
  return found[0];
}
