import type { Db } from '../../shared/db.js';
import type { Deps } from '../../shared/deps.js';
import type { Acting } from '../../shared/acting.js';
import { recordAudit } from '../../audit/index.js';
import type { Settings } from '../../settings/index.js';
import { REGISTRY } from '../registry/registry.js';
import { MESSAGE_USES } from '../registry/uses.js';
import type { Category, DataSubject, LegalBasis, PersonalColumn, Purpose, RetentionRule } from '../registry/types.js';
import { CATEGORY_LABELS, REGISTER_LEGAL_BASIS_LABELS } from '../labels.js';
import { consentPurposes } from '../repo.js';

/**
 * The record of processing activities (GDPR art. 30, CNIL model), built from the registry
 * and the settings: one activity per purpose, with its legal bases, people, data categories
 * (and the columns that hold them), recipients, retention and security measures.
 */
export const ACTIVITIES: Record<Purpose, { name: string; description: string; recipients: (s: Settings) => string[] }> =
  {
    participation: {
      name: 'Organisation de la participation des personnes accompagnées',
      description:
        'Inscrire les personnes, les inviter aux ateliers et réunions, leur rendre compte de ce qui a été fait de leurs contributions.',
      recipients: () => [
        'Agents habilités (agents administratifs, chefs de projet)',
        'Structures relais, pour les personnes jointes par leur intermédiaire',
      ],
    },
    reimbursement: {
      name: 'Remboursement des frais et versement des indemnités',
      description:
        'Rembourser les frais de transport et de garde, verser les indemnités de participation, tenir les pièces comptables.',
      recipients: (s) => [
        'Service financier',
        s.payerMode === 'accounting_export'
          ? 'Comptable public (paiement des mandats)'
          : 'Banque de l’organisation (virements SEPA)',
        'Financeurs, sur la seule référence du participant',
      ],
    },
    needs: {
      name: 'Adaptation des ateliers aux besoins des personnes',
      description:
        'Prévoir l’accessibilité, l’interprétariat, les gros caractères, la garde d’enfants ou un accompagnant (données de santé : consentement exprès, art. 9 RGPD).',
      recipients: () => ['Agents qui organisent les sessions'],
    },
    representativeness: {
      name: 'Statistiques de représentativité des panels',
      description:
        'Vérifier que toutes sortes de personnes participent (tranche d’âge, activité, foyer, commune), avec des groupes d’au moins 5 personnes.',
      recipients: () => ['Chefs de projet (statistiques agrégées)'],
    },
    accountability: {
      name: 'Preuve des consentements et justification des dépenses',
      description:
        'Prouver les consentements recueillis (art. 7.1 RGPD) et justifier les dépenses auprès des financeurs par la seule référence du participant.',
      recipients: () => ['DPO', 'Auditeurs et contrôleurs des financeurs (références seulement)'],
    },
    rights: {
      name: 'Gestion des demandes d’exercice des droits',
      description:
        'Enregistrer et traiter dans le délai d’un mois les demandes d’accès, de rectification, d’effacement et d’opposition.',
      recipients: () => ['DPO', 'Agents qui enregistrent les demandes'],
    },
    partners: {
      name: 'Relations avec les structures relais',
      description: 'Garder les coordonnées des référents des associations et services qui orientent les personnes.',
      recipients: () => ['Agents habilités'],
    },
    imports: {
      name: 'Import de listes de participants',
      description:
        'Contrôler un tableur avant de l’importer ; les lignes sont effacées à la confirmation, à l’annulation ou à l’expiration.',
      recipients: () => ['Agent qui importe'],
    },
    staff_access: {
      name: 'Gestion des comptes du personnel et des habilitations',
      description: 'Créer les comptes, attribuer les rôles, tracer qui a fait quoi.',
      recipients: () => ['Administrateurs'],
    },
    security: {
      name: 'Sécurité du système d’information',
      description:
        'Authentifier le personnel, limiter les tentatives de connexion, journaliser les actions (art. 32 RGPD).',
      recipients: () => ['Administrateurs', 'DPO'],
    },
    organisation: {
      name: 'Paramètres de l’organisation',
      description: 'Publier les coordonnées du délégué à la protection des données (art. 37.7 RGPD).',
      recipients: () => ['Administrateurs'],
    },
  };

const SUBJECT_LABELS: Record<DataSubject, string> = {
  participant: 'Personnes accompagnées qui participent',
  guardian: 'Représentants légaux des participants mineurs',
  payee: 'Bénéficiaires des remboursements (participants, représentants, modes de garde, structures)',
  staff: 'Personnel de l’organisation',
  partner_contact: 'Référents des structures relais',
};

export const SECURITY_MEASURES = [
  'Coordonnées bancaires (IBAN) chiffrées au repos (AES-256-GCM, identifiant de clé pour la rotation), affichées masquées ; empreinte à clé (HMAC) pour repérer un IBAN partagé',
  'Sessions et jetons d’API stockés sous forme d’empreinte (SHA-256) ; mots de passe hachés (Argon2)',
  'Journal d’audit inaltérable, chaîné par empreintes (hash chain) et vérifiable',
  'Accès par rôles (agent, chef de projet, financier, DPO, auditeur, administrateur), refusé par défaut',
  'Journaux techniques sans données personnelles ; limitation des tentatives de connexion',
  'Conservation limitée appliquée automatiquement : archivage puis anonymisation',
];

export function retentionText(rule: RetentionRule, s: Settings): string {
  const r = s.retention;
  switch (rule) {
    case 'active':
      return `${r.activeYearsAfterLastContact} ans après le dernier contact, puis effacement`;
    case 'accounting':
      return `${r.activeYearsAfterLastContact} ans après le dernier contact ; en cas de paiement, archive restreinte ${r.archiveYearsAfterLastPayment} ans après le dernier paiement ; puis anonymisation`;
    case 'kept':
      return 'Conservé ; ne permet plus d’identifier la personne après l’anonymisation';
    case 'staff_account':
      return 'Durée du compte (désactivé au départ de l’agent)';
    case 'session':
      return 'Jusqu’à la fin de la session de connexion';
    case 'security_window':
      return 'Quelques minutes (fenêtre de limitation des tentatives)';
    case 'audit':
      return 'Conservé : journal d’audit inaltérable (identifiants seulement)';
    case 'partner_relationship':
      return 'Durée de la relation avec la structure';
    case 'import_preview':
      return 'Jusqu’à la confirmation, l’annulation ou l’expiration de l’import';
    case 'organisation':
      return 'Tant que la désignation est en vigueur';
  }
}

interface Entry extends PersonalColumn {
  table: string;
  column: string;
}

/** Personal columns; a column declared per kind of row is named with its kind (`files.content (Preuves de consentement)`). */
function personalEntries(): Entry[] {
  return Object.entries(REGISTRY).flatMap(([table, t]) => [
    ...Object.entries(t.columns).flatMap(([column, c]) => (c.personal ? [{ ...c, table, column }] : [])),
    ...Object.values(t.kinds ?? {}).flatMap((k) =>
      Object.entries(k.columns).flatMap(([column, c]) =>
        c.personal ? [{ ...c, table, column: `${column} (${k.label})` }] : [],
      ),
    ),
  ]);
}

/**
 * Tables whose kinds of rows follow different rules (the documents in `files`): for each kind,
 * its retention, or why it is outside the participant lifecycle.
 */
function documentKinds(settings: Settings) {
  return Object.entries(REGISTRY).flatMap(([table, t]) =>
    Object.entries(t.kinds ?? {}).map(([kind, k]) => {
      const own = Object.values(k.columns).flatMap((c) => (c.personal ? [c] : []));
      return {
        table,
        kind,
        label: k.label,
        participantLifecycle: Boolean(k.participantLink),
        retention: own.length
          ? [...new Set(own.map((c) => retentionText(c.retention, settings)))]
          : [k.note ?? 'Hors du cycle de vie des participants'],
      };
    }),
  );
}

/** The uses of contact details: each message template, its use and its legal basis (docs/domain.md#messages-and-their-legal-basis). */
function messageUses() {
  return Object.entries(MESSAGE_USES).map(([code, u]) => ({
    code,
    label: u.label,
    legalBasis: u.legalBasis,
    legalBasisLabel: REGISTER_LEGAL_BASIS_LABELS[u.legalBasis] ?? u.legalBasis,
    consentBased: u.legalBasis === 'consent',
    audience: u.audience,
    why: u.why,
    templates: [...u.templates],
  }));
}

/** The register as of the acting's clock, with the organisation's settings. */
export async function buildRegister(db: Db, acting: Acting) {
  const { now } = acting;
  const settings = await acting.settings();
  const entries = personalEntries();
  const activities = (Object.keys(ACTIVITIES) as Purpose[])
    .filter((p) => entries.some((e) => e.purpose === p))
    .map((purpose) => {
      const mine = entries.filter((e) => e.purpose === purpose);
      const categories = [...new Set(mine.map((e) => e.category))].map((category: Category) => {
        const cols = mine.filter((e) => e.category === category);
        return {
          category,
          label: CATEGORY_LABELS[category] ?? category,
          specialCategory: cols.some((c) => c.specialCategory),
          columns: cols.map((c) => `${c.table}.${c.column}`),
          retention: [...new Set(cols.map((c) => retentionText(c.retention, settings)))],
        };
      });
      return {
        purpose,
        name: ACTIVITIES[purpose].name,
        description: ACTIVITIES[purpose].description,
        legalBases: [...new Set(mine.map((e) => e.legalBasis))].map((b: LegalBasis) => ({
          code: b,
          label: REGISTER_LEGAL_BASIS_LABELS[b] ?? b,
        })),
        dataSubjects: [...new Set(mine.map((e) => e.subject))].map((s) => SUBJECT_LABELS[s]),
        categories,
        recipients: ACTIVITIES[purpose].recipients(settings),
        transfersOutsideEu: 'Aucun',
      };
    });
  return {
    generatedAt: now.toISOString(),
    controller: {
      name: settings.name,
      legalForm: settings.legalForm,
      siret: settings.siret,
      address: settings.address,
    },
    dpo: settings.dpo,
    retention: settings.retention,
    consentPurposes: (await consentPurposes(db)).map((p) => ({
      code: p.code,
      label: p.label,
      legalBasis: p.legal_basis,
      legalBasisLabel: REGISTER_LEGAL_BASIS_LABELS[p.legal_basis] ?? p.legal_basis,
      specialCategory: p.special_category,
      textVersion: p.text_version,
      validityMonths: p.validity_months,
    })),
    activities,
    messageUses: messageUses(),
    documents: documentKinds(settings),
    securityMeasures: SECURITY_MEASURES,
  };
}
export type Register = Awaited<ReturnType<typeof buildRegister>>;

/** The register for an export (JSON, PDF or CSV): every export is audited with its format. */
export async function exportRegister(
  deps: Deps,
  acting: Acting,
  input: { format: 'json' | 'pdf' | 'csv' },
): Promise<Register> {
  const { format } = input;
  const register = await buildRegister(deps.db, acting);
  await recordAudit(deps.db, acting, { action: 'privacy.register_exported', recordType: 'register', data: { format } });
  return register;
}
