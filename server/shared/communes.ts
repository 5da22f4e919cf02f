import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/**
 * French communes from `@etalab/decoupage-administratif` (offline reference data): lookup by
 * INSEE code, search by name or postal code. The JSON (~8 MB) is read once, on first use.
 */
export interface Commune {
  /** INSEE code (`26362`; Corsica `2A004`). */
  code: string;
  name: string;
  postalCodes: string[];
  departement: string | null;
  type: 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';
}

interface RawCommune {
  code: string;
  nom: string;
  type: Commune['type'];
  departement?: string;
  codesPostaux?: string[];
}

interface Index {
  byCode: Map<string, Commune>;
  byPostalCode: Map<string, Commune[]>;
  /** Current communes and municipal arrondissements, with their folded names, for search. */
  searchable: { commune: Commune; folded: string }[];
}

let index: Index | null = null;

// A current commune wins over a delegated/associated one that shares its code.
const TYPE_RANK: Record<Commune['type'], number> = {
  'commune-actuelle': 0,
  'arrondissement-municipal': 1,
  'commune-deleguee': 2,
  'commune-associee': 3,
};

function load(): Index {
  if (index) return index;
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@etalab/decoupage-administratif/package.json'));
  const raw = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'communes.json'), 'utf8')) as RawCommune[];
  const byCode = new Map<string, Commune>();
  for (const r of raw) {
    const c: Commune = {
      code: r.code,
      name: r.nom,
      postalCodes: r.codesPostaux ?? [],
      departement: r.departement ?? null,
      type: r.type,
    };
    const existing = byCode.get(c.code);
    if (!existing || TYPE_RANK[c.type] < TYPE_RANK[existing.type]) byCode.set(c.code, c);
  }
  const byPostalCode = new Map<string, Commune[]>();
  const searchable: Index['searchable'] = [];
  for (const c of byCode.values()) {
    if (c.type !== 'commune-actuelle' && c.type !== 'arrondissement-municipal') continue;
    searchable.push({ commune: c, folded: foldName(c.name) });
    for (const pc of c.postalCodes) {
      const list = byPostalCode.get(pc) ?? [];
      list.push(c);
      byPostalCode.set(pc, list);
    }
  }
  index = { byCode, byPostalCode, searchable };
  return index;
}

/** Lower case, no accents, hyphens and apostrophes as spaces, `st`/`ste` as `saint`/`sainte`. */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/[-'’.—–]/g, ' ')
    .replace(/\bste\b/g, 'sainte')
    .replace(/\bst\b/g, 'saint')
    .replace(/\s+/g, ' ')
    .trim();
}

export const INSEE_CODE_PATTERN = /^[0-9][0-9AB][0-9]{3}$/;

/** The commune with this INSEE code, or null when no such code exists. */
export function communeByCode(code: string): Commune | null {
  const normalised = code.trim().toUpperCase();
  if (!INSEE_CODE_PATTERN.test(normalised)) return null;
  return load().byCode.get(normalised) ?? null;
}

/** Current communes served by a postal code. */
export function communesByPostalCode(postalCode: string): Commune[] {
  return load().byPostalCode.get(postalCode.trim()) ?? [];
}

/**
 * Communes whose postal code starts with the digits typed, or whose name contains the words
 * typed (accents and case ignored); names that start with the query come first.
 */
export function searchCommunes(query: string, limit = 20): Commune[] {
  const q = query.trim();
  if (!q) return [];
  const { searchable } = load();
  if (/^\d{2,5}$/.test(q)) {
    return searchable
      .filter((s) => s.commune.postalCodes.some((pc) => pc.startsWith(q)))
      .slice(0, limit)
      .map((s) => s.commune);
  }
  const folded = foldName(q);
  if (folded.length < 2) return [];
  const starts: Commune[] = [];
  const contains: Commune[] = [];
  for (const s of searchable) {
    if (s.folded.startsWith(folded)) starts.push(s.commune);
    else if (s.folded.includes(folded)) contains.push(s.commune);
  }
  const byName = (a: Commune, b: Commune) => a.name.localeCompare(b.name, 'fr');
  return [...starts.sort(byName), ...contains.sort(byName)].slice(0, limit);
}

/**
 * INSEE codes of the communes (and municipal arrondissements) whose name contains what was
 * typed, accents and case ignored, for a search of records by commune through an index on
 * their code. Nothing under three letters: too many communes would match.
 */
export function communeCodesNamed(query: string): string[] {
  const folded = foldName(query);
  if (folded.replace(/[^a-z]/g, '').length < 3) return [];
  return load()
    .searchable.filter((s) => s.folded.includes(folded))
    .map((s) => s.commune.code);
}

export type CommuneResolution =
  { commune: Commune | null } | { field: 'communeInsee' | 'communeName' | 'postalCode'; message: string };

/**
 * Finds the commune meant by what a person typed: an INSEE code, or a commune name with or
 * without its postal code (a postal code alone is enough when it serves one commune).
 * Returns `{ commune: null }` when nothing was given.
 */
export function resolveCommune(input: {
  insee?: string | null;
  name?: string | null;
  postalCode?: string | null;
}): CommuneResolution {
  const insee = input.insee?.trim();
  if (insee) {
    const c = communeByCode(insee);
    return c ? { commune: c } : { field: 'communeInsee', message: 'code INSEE inconnu' };
  }
  const name = input.name?.trim();
  const postalCode = input.postalCode?.trim();
  if (!name && !postalCode) return { commune: null };
  const candidates = postalCode && /^\d{5}$/.test(postalCode) ? communesByPostalCode(postalCode) : [];
  if (!name) {
    if (candidates.length === 1) return { commune: candidates[0] };
    if (candidates.length === 0) return { commune: null };
    return {
      field: 'communeName',
      message: `indiquez la commune (pour ${postalCode} : ${candidates.map((c) => c.name).join(', ')})`,
    };
  }
  const folded = foldName(name);
  if (candidates.length) {
    const match = candidates.filter((c) => foldName(c.name) === folded);
    if (match.length === 1) return { commune: match[0] };
    return {
      field: 'communeName',
      message: `commune introuvable pour le code postal ${postalCode} (communes possibles : ${candidates.map((c) => c.name).join(', ')})`,
    };
  }
  const exact = load()
    .searchable.filter((s) => s.folded === folded)
    .map((s) => s.commune);
  if (exact.length === 1) return { commune: exact[0] };
  if (exact.length > 1)
    return {
      field: 'postalCode',
      message: `plusieurs communes s’appellent ainsi : indiquez le code postal (${exact
        .slice(0, 6)
        .map((c) => `${c.postalCodes[0] ?? c.code}`)
        .join(', ')}${exact.length > 6 ? '…' : ''})`,
    };
  return { field: 'communeName', message: 'commune inconnue' };
}
