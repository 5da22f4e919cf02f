// French-looking reference data for the generator: first and last names (including names that
// need Unicode: Nguyễn, Łukasz, Ağaoğlu), communes from @etalab/decoupage-administratif
// weighted by population, mobile phone numbers, and valid French IBANs (ibantools).
import { createRequire } from 'node:module';
import { composeIBAN, isValidIBAN } from 'ibantools';

export type Random = () => number;

/** mulberry32: small, fast, deterministic from the seed. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const int = (r: Random, min: number, max: number) => min + Math.floor(r() * (max - min + 1));

/** A UUID (version 4 layout) drawn from the generator: the same seed gives the same ids. */
export function uuid(r: Random): string {
  const hex = Array.from({ length: 4 }, () =>
    Math.floor(r() * 0x100000000)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16], 16) & 3]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const FIRST_NAMES = [
  'Camille',
  'Léa',
  'Manon',
  'Chloé',
  'Inès',
  'Sarah',
  'Emma',
  'Louise',
  'Jade',
  'Nadia',
  'Fatou',
  'Aïcha',
  'Yasmine',
  'Sophie',
  'Nathalie',
  'Isabelle',
  'Sylvie',
  'Martine',
  'Monique',
  'Françoise',
  'Christiane',
  'Josiane',
  'Hélène',
  'Élodie',
  'Mélanie',
  'Océane',
  'Zoé',
  'Maëlys',
  'Thi Lan',
  'Agnieszka',
  'Lucas',
  'Hugo',
  'Thomas',
  'Nicolas',
  'Julien',
  'Karim',
  'Mohamed',
  'Mehdi',
  'Youssef',
  'Moussa',
  'Mamadou',
  'Jean',
  'Pierre',
  'Michel',
  'Alain',
  'Bernard',
  'Gérard',
  'Jean-Pierre',
  'Jean-Marc',
  'François',
  'Stéphane',
  'Sébastien',
  'Loïc',
  'Noé',
  'Théo',
  'Raphaël',
  'Łukasz',
  'Minh',
  'Kévin',
  'Rémi',
];

export const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Thomas',
  'Petit',
  'Robert',
  'Richard',
  'Durand',
  'Dubois',
  'Moreau',
  'Laurent',
  'Simon',
  'Michel',
  'Lefebvre',
  'Leroy',
  'Roux',
  'David',
  'Bertrand',
  'Morel',
  'Fournier',
  'Girard',
  'Bonnet',
  'Dupont',
  'Lambert',
  'Fontaine',
  'Rousseau',
  'Vincent',
  'Muller',
  'Lefèvre',
  'Faure',
  'André',
  'Mercier',
  'Blanc',
  'Guérin',
  'Boyer',
  'Garnier',
  'Chevalier',
  'François',
  'Legrand',
  'Gauthier',
  'Garcia',
  'Perrin',
  'Robin',
  'Clément',
  'Morin',
  'Nicolas',
  'Henry',
  'Roussel',
  'Mathieu',
  'Gautier',
  'Masson',
  'Benali',
  'Haddad',
  'Mansouri',
  'Diallo',
  'Traoré',
  'Nguyễn',
  'Tran',
  'Ağaoğlu',
  'Kowalski',
  'Da Silva',
  'Ferreira',
  'Rodrigues',
  'Lopez',
  'Martinez',
  'Sanchez',
  'Le Gall',
  'Le Goff',
  'Kerbrat',
  'Etcheverry',
  'Ould Ahmed',
  "N'Diaye",
];

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  codesPostaux?: string[];
  population?: number;
}
export interface GenCommune {
  insee: string;
  name: string;
  postalCode: string;
}

/** Communes of a few départements (Drôme, Ardèche, Isère, Rhône, Paris, Nord, Seine-Saint-Denis, Réunion), drawn by population. */
export function communeSampler(): (r: Random) => GenCommune {
  const require = createRequire(import.meta.url);
  const all = require('@etalab/decoupage-administratif/data/communes.json') as RawCommune[];
  const wanted = new Set(['26', '07', '38', '69', '75', '59', '93', '974']);
  const list = all.filter(
    (c) =>
      c.type === 'commune-actuelle' &&
      c.departement &&
      wanted.has(c.departement) &&
      c.codesPostaux?.length &&
      /^[0-9]{5}$/.test(c.codesPostaux[0]),
  );
  const cumulative: number[] = [];
  let total = 0;
  for (const c of list) cumulative.push((total += Math.max(50, c.population ?? 50)));
  return (r) => {
    const x = r() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    const c = list[lo];
    return { insee: c.code, name: c.nom, postalCode: c.codesPostaux![0] };
  };
}

export const mobile = (r: Random) =>
  `0${pick(r, ['6', '7'])} ${Array.from({ length: 4 }, () => String(int(r, 0, 99)).padStart(2, '0')).join(' ')}`;

const BANKS = [
  ['30004', '00820'],
  ['20041', '01007'],
  ['30003', '01234'],
  ['10278', '08900'],
  ['30002', '00550'],
  ['16006', '21011'],
  ['14505', '00001'],
  ['13335', '00301'],
];

/** A valid French IBAN (RIB key and IBAN check digits computed), from the generator. */
export function frenchIban(r: Random): string {
  const [bank, branch] = pick(r, BANKS);
  const account = String(int(r, 0, 99_999_999_999)).padStart(11, '0');
  const key = 97 - ((89 * Number(bank) + 15 * Number(branch) + 3 * Number(account)) % 97);
  const iban = composeIBAN({ countryCode: 'FR', bban: `${bank}${branch}${account}${String(key).padStart(2, '0')}` });
  if (!iban || !isValidIBAN(iban)) throw new Error('IBAN generation failed');
  return iban;
}

export const PROJECT_THEMES = [
  'Comité des usagers du RSA',
  'Atelier mobilité et transports',
  'Conseil de la vie sociale',
  'Groupe parents solos',
  'Évaluation du guichet unique',
  'Co-construction du schéma autonomie',
  'Panel habitants précarité énergétique',
  'Atelier accès aux droits',
  'Forum jeunes et insertion',
  'Comité handicap et accessibilité',
  'Groupe de travail aidants',
  'Concertation protection de l’enfance',
];

export const SUPPLIERS = [
  'Traiteur du Vivarais',
  'Les Saveurs de la Drôme',
  'Cap Interprétariat',
  'ISM Interprétariat',
  'Imprimerie Rhodanienne',
  'Coopérative Animation & Co',
];
