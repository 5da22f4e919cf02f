/**
 * Which night cap applies where (docs/domain.md#nights): Paris, cities of 200 000 inhabitants or more
 * and the communes of the Métropole du Grand Paris, everywhere else. Offline data from
 * `@etalab/decoupage-administratif` (communes with their population, EPCI with members),
 * read once on first use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { NightLocation } from './types.js';

export const PARIS_INSEE = '75056';
/** SIREN of the Métropole du Grand Paris in the EPCI list. */
export const GRAND_PARIS_SIREN = '200054781';
export const BIG_CITY_POPULATION = 200_000;

interface RawCommune {
  code: string;
  type: string;
  population?: number;
  /** Parent commune of a municipal arrondissement (Paris, Lyon, Marseille). */
  commune?: string;
  /** Parent commune of a delegated or associated commune. */
  chefLieu?: string;
}

interface RawEpci {
  code: string;
  membres: { code: string }[];
}

interface Index {
  /** Current communes: INSEE code → population. */
  population: Map<string, number>;
  /** Arrondissements and delegated/associated communes → their current commune. */
  parent: Map<string, string>;
  grandParis: Set<string>;
}

let index: Index | null = null;

function load(): Index {
  if (index) return index;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('@etalab/decoupage-administratif/package.json')), 'data');
  const communes = JSON.parse(fs.readFileSync(path.join(dir, 'communes.json'), 'utf8')) as RawCommune[];
  const epci = JSON.parse(fs.readFileSync(path.join(dir, 'epci.json'), 'utf8')) as RawEpci[];
  const population = new Map<string, number>();
  const parent = new Map<string, string>();
  for (const c of communes) {
    if (c.type === 'commune-actuelle') population.set(c.code, c.population ?? 0);
    else if (c.commune) parent.set(c.code, c.commune);
    else if (c.chefLieu && c.chefLieu !== c.code) parent.set(c.code, c.chefLieu);
  }
  const metropole = epci.find((e) => e.code === GRAND_PARIS_SIREN);
  if (!metropole) throw new Error('Métropole du Grand Paris missing from @etalab/decoupage-administratif');
  index = { population, parent, grandParis: new Set(metropole.membres.map((m) => m.code)) };
  return index;
}

/**
 * The night-cap location of a commune given by its INSEE code: `paris` for Paris and its
 * arrondissements (751xx), `big_city` for a commune of 200 000+ inhabitants (an arrondissement
 * of Lyon or Marseille counts as its city) or a member of the Métropole du Grand Paris,
 * `standard` otherwise — also for an unknown code (the lowest cap: validate codes upstream
 * with `communeByCode`).
 */
export function nightLocationOf(inseeCode: string): NightLocation {
  const { population, parent, grandParis } = load();
  const given = inseeCode.trim().toUpperCase();
  const code = population.has(given) ? given : (parent.get(given) ?? given);
  if (code === PARIS_INSEE) return 'paris';
  if (grandParis.has(code) || (population.get(code) ?? 0) >= BIG_CITY_POPULATION) return 'big_city';
  return 'standard';
}
