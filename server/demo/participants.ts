import { createPartner } from '../partners/index.js';
import { demoStaff, demoSystem } from './acting.js';
import { localDay } from '../shared/dates.js';
import type { ParticipantCreateBody, ParticipantPatchBody } from '../participants/index.js';
// The demo is a composition root of its own: it runs the participants' use cases as the API does.
import { registerParticipant } from '../participants/register-participant.js';
import { updateParticipant } from '../participants/update-participant.js';
import type { DemoStep } from './load-demo.js';

const STAFF_EMAIL = 'claire.martin@departement.example';

/** Four partners (structures relais) in the Drôme. */
const PARTNERS = [
  {
    key: 'secours',
    name: 'Secours populaire — Valence',
    kind: 'association' as const,
    contactName: 'Martine Faure',
    email: 'valence@secourspop-drome.example',
    phone: '04 65 71 10 01',
    addressLine1: '5 rue Pierre Latécoère',
    postalCode: '26000',
    communeInsee: '26362',
  },
  {
    key: 'ccas',
    name: 'CCAS de Romans-sur-Isère',
    kind: 'public_service' as const,
    contactName: 'Julien Arnaud',
    email: 'ccas@romans.example',
    phone: '04 65 71 10 02',
    addressLine1: '1 place Jean Jaurès',
    postalCode: '26100',
    communeInsee: '26281',
  },
  {
    key: 'mission',
    name: 'Mission locale Drôme Provence',
    kind: 'public_service' as const,
    contactName: 'Fatou Ndiaye',
    email: 'accueil@ml-dromeprovence.example',
    phone: '04 65 71 10 03',
    addressLine1: '18 avenue Jean Jaurès',
    postalCode: '26200',
    communeInsee: '26198',
  },
  {
    key: 'entraide',
    name: 'Association Entraide Die',
    kind: 'association' as const,
    contactName: 'Bernard Chabert',
    email: 'contact@entraide-die.example',
    phone: '04 65 71 10 04',
    addressLine1: '3 rue Camille Buffardel',
    postalCode: '26150',
    communeInsee: '26113',
  },
];

type Demo = Omit<ParticipantCreateBody, 'partnerId'> & { partner?: string; later?: ParticipantPatchBody };

const P = (n: number) => `06 39 98 ${String(10 + n).padStart(2, '0')} ${String(20 + n).padStart(2, '0')}`;

/** About 25 people of varied origins across real Drôme communes; some minors, some reachable only through a partner. */
export const DEMO_PEOPLE: Demo[] = [
  {
    civility: 'mme',
    lastName: 'Nguyễn',
    firstName: 'Thị Ánh',
    email: 'anh.nguyen@example.org',
    phone: P(1),
    addressLine1: '12 rue Madier de Montjau',
    postalCode: '26000',
    communeInsee: '26362',
    partner: 'secours',
    later: {
      needs: ['large_print'],
      profileAgeBand: '30-44',
      profileActivity: 'in_work',
      profileHousehold: 'single_parent',
      profileCommuneInsee: '26362',
    },
  },
  {
    civility: 'mme',
    lastName: 'Martin',
    firstName: 'Jeanne',
    phone: P(2),
    addressLine1: '4 place Jules Nadi',
    postalCode: '26100',
    communeInsee: '26281',
    preferredChannel: 'phone',
    later: {
      profileAgeBand: '75+',
      profileActivity: 'retired',
      profileHousehold: 'single',
      profileCommuneInsee: '26281',
    },
  },
  {
    civility: 'm',
    lastName: 'Diallo',
    firstName: 'Mamadou',
    email: 'mamadou.diallo@example.org',
    postalCode: '26000',
    communeInsee: '26362',
    partner: 'secours',
  },
  {
    civility: 'm',
    lastName: 'Kowalski',
    firstName: 'Łukasz',
    email: 'lukasz.kowalski@example.org',
    phone: P(3),
    postalCode: '26200',
    communeInsee: '26198',
  },
  {
    civility: 'mme',
    lastName: 'Ağaoğlu',
    firstName: 'Elif',
    postalCode: '26000',
    communeInsee: '26362',
    partner: 'secours',
    preferredChannel: 'partner',
    later: { needs: ['other'], needsNote: 'Interprète en turc' },
  },
  {
    civility: 'm',
    lastName: 'Rakotomalala',
    firstName: 'Hery',
    addressLine1: '15 avenue Marc Urtin',
    postalCode: '26500',
    communeInsee: '26058',
    preferredChannel: 'letter',
  },
  {
    civility: 'mme',
    lastName: 'Dubois',
    firstName: 'Léa',
    isMinor: true,
    guardianName: 'Sandrine Dubois',
    guardianEmail: 'sandrine.dubois@example.org',
    addressLine1: '7 rue de la République',
    postalCode: '26400',
    communeInsee: '26108',
    preferredChannel: 'letter',
    partner: 'mission',
  },
  {
    civility: 'mme',
    lastName: 'Ferreira',
    firstName: 'Ana',
    phone: P(4),
    addressLine1: '9 rue Pierre Brossolette',
    postalCode: '26700',
    communeInsee: '26235',
    later: {
      needs: ['childcare'],
      profileAgeBand: '30-44',
      profileActivity: 'in_work',
      profileHousehold: 'with_children',
    },
  },
  {
    civility: 'm',
    lastName: 'Moreau',
    firstName: 'Lucas',
    isMinor: true,
    guardianName: 'Nathalie Moreau',
    guardianPhone: P(5),
    postalCode: '26150',
    communeInsee: '26113',
    partner: 'entraide',
    preferredChannel: 'partner',
  },
  {
    civility: 'mme',
    lastName: 'Lambert',
    firstName: 'Odette',
    addressLine1: '22 promenade de la Digue',
    postalCode: '26110',
    communeInsee: '26220',
    preferredChannel: 'letter',
    later: {
      needs: ['step_free_access'],
      profileAgeBand: '75+',
      profileActivity: 'retired',
      profileHousehold: 'single',
    },
  },
  {
    civility: 'm',
    lastName: 'Mensah',
    firstName: 'Kofi',
    email: 'kofi.mensah@example.org',
    postalCode: '26000',
    communeInsee: '26362',
  },
  {
    civility: 'mme',
    lastName: 'Bouzid',
    firstName: 'Samira',
    phone: P(6),
    postalCode: '26100',
    communeInsee: '26281',
    partner: 'ccas',
    later: {
      profileAgeBand: '30-44',
      profileActivity: 'job_seeker',
      profileHousehold: 'single_parent',
      profileCommuneInsee: '26281',
    },
  },
  {
    civility: 'm',
    lastName: 'Girard',
    firstName: 'Pierre',
    addressLine1: '2 place de l’Évêché',
    postalCode: '26150',
    communeInsee: '26113',
    preferredChannel: 'letter',
  },
  {
    civility: 'm',
    lastName: 'Trần',
    firstName: 'Minh',
    email: 'minh.tran@example.org',
    postalCode: '26000',
    communeInsee: '26362',
  },
  {
    civility: 'mme',
    lastName: 'Chevalier',
    firstName: 'Mireille',
    postalCode: '26100',
    communeInsee: '26281',
    partner: 'ccas',
    preferredChannel: 'partner',
  },
  {
    civility: 'mme',
    lastName: 'Okafor',
    firstName: 'Chiamaka',
    email: 'chiamaka.okafor@example.org',
    postalCode: '26000',
    communeInsee: '26362',
    later: { needs: ['hearing_loop'] },
  },
  { civility: 'm', lastName: 'Da Silva', firstName: 'João', phone: P(7), postalCode: '26400', communeInsee: '26108' },
  {
    civility: 'mme',
    lastName: 'Petit',
    firstName: 'Manon',
    isMinor: true,
    guardianName: 'Olivier Petit',
    guardianPhone: P(8),
    postalCode: '26100',
    communeInsee: '26281',
    partner: 'mission',
    preferredChannel: 'partner',
  },
  {
    civility: 'mme',
    lastName: 'Nowak',
    firstName: 'Zofia',
    email: 'zofia.nowak@example.org',
    postalCode: '26500',
    communeInsee: '26058',
  },
  {
    civility: 'm',
    lastName: 'Roussel',
    firstName: 'Gérard',
    addressLine1: '6 place du Docteur Bourdongle',
    postalCode: '26110',
    communeInsee: '26220',
    preferredChannel: 'letter',
    later: { needs: ['accompanying_person', 'step_free_access'] },
  },
  {
    civility: 'mme',
    lastName: 'Hamidi',
    firstName: 'Yasmine',
    email: 'yasmine.hamidi@example.org',
    phone: P(9),
    postalCode: '26700',
    communeInsee: '26235',
    later: { profileAgeBand: '25-29', profileActivity: 'job_seeker', profileHousehold: 'with_children' },
  },
  {
    civility: 'm',
    lastName: 'Fontaine',
    firstName: 'Thomas',
    phone: P(10),
    postalCode: '26000',
    communeInsee: '26362',
    later: { profileAgeBand: '45-59', profileActivity: 'in_work', profileHousehold: 'couple' },
  },
  {
    civility: 'mme',
    lastName: 'Abdi',
    firstName: 'Hodan',
    postalCode: '26150',
    communeInsee: '26113',
    partner: 'entraide',
    preferredChannel: 'partner',
    later: { needs: ['other'], needsNote: 'Interprète en somali' },
  },
  {
    civility: 'mx',
    lastName: 'Lefebvre',
    firstName: 'Camille',
    email: 'camille.lefebvre@example.org',
    postalCode: '26000',
    communeInsee: '26362',
    later: { profileAgeBand: '16-24', profileActivity: 'student', profileHousehold: 'single' },
  },
  {
    civility: 'mme',
    lastName: 'Soumaré',
    firstName: 'Aïssata',
    phone: P(11),
    postalCode: '26200',
    communeInsee: '26198',
    partner: 'mission',
    later: { needs: ['childcare'] },
  },
  {
    civility: 'mme',
    lastName: 'Garcia',
    firstName: 'Inès',
    email: 'ines.garcia@example.org',
    postalCode: '26100',
    communeInsee: '26281',
  },
];

function daysBefore(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, 12));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return target.toISOString().slice(0, 10);
}

/**
 * Demo step: partners and participants of the Drôme. Needs and profile answers are recorded
 * only after a matching paper consent (purposes `needs` and `profile`), as the rules demand.
 */
export const demoParticipants: DemoStep = async (deps, staff) => {
  const clerk = staff[STAFF_EMAIL];
  // One Acting per person, as one request each through the API (their own clock reading).
  const act = () => (clerk ? demoStaff(deps, clerk, ['staff']) : demoSystem(deps));
  const acting = await act();
  const today = localDay(acting.now, (await acting.settings()).timeZone);
  const partnerIds: Record<string, string> = {};
  for (const { key, ...partner } of PARTNERS) partnerIds[key] = (await createPartner(deps, acting, partner)).id;
  const purposes = new Map(
    (
      await deps
        .db('consent_purposes')
        .whereIn('code', ['needs', 'profile'])
        .select('code', 'legal_basis', 'text_version', 'validity_months')
    ).map((p) => [p.code as string, p]),
  );

  for (const [i, { partner, later, ...person }] of DEMO_PEOPLE.entries()) {
    const guardian = person.isMinor ? { guardianConsentOn: daysBefore(today, 40 + i) } : {};
    const created = await registerParticipant(deps, await act(), {
      ...person,
      ...guardian,
      ...(partner ? { partnerId: partnerIds[partner] } : {}),
    });
    if (!later) continue;
    const givenOn = daysBefore(today, 20 + ((i * 29) % 200));
    const needed = [
      ...(later.needs || later.needsNote ? ['needs'] : []),
      ...(Object.keys(later).some((k) => k.startsWith('profile')) ? ['profile'] : []),
    ];
    for (const code of needed) {
      const purpose = purposes.get(code);
      if (!purpose) continue;
      await deps.db('consents').insert({
        participant_id: created.id,
        purpose_code: code,
        legal_basis: purpose.legal_basis,
        text_version: purpose.text_version,
        channel: 'paper',
        given_on: givenOn,
        expires_on: purpose.validity_months ? addMonths(givenOn, purpose.validity_months) : null,
        recorded_by: acting.actor.userId,
      });
    }
    await updateParticipant(deps, await act(), { id: created.id, patch: later });
  }
};
