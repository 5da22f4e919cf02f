import { parseEuros } from '../shared/money.js';
import { list, text } from '../shared/form.js';
import { LINE_KINDS, LINE_KIND_LABELS, type LineInputBody } from './schemas.js';

/** One line row of the entry form, as typed. */
export interface LineRowForm {
  kind: string;
  travelDate: string;
  amount: string;
  km: string;
  fiscalPower: string;
  hours: string;
}

export const KIND_OPTIONS = [
  { value: '', label: '— Type de frais —' },
  ...LINE_KINDS.map((k) => ({ value: k, label: LINE_KIND_LABELS[k] })),
];
export const POWER_OPTIONS = [
  { value: '', label: '—' },
  { value: 'cv_5_or_less', label: '5 CV ou moins' },
  { value: 'cv_6_7', label: '6 ou 7 CV' },
  { value: 'cv_8_or_more', label: '8 CV ou plus' },
];

/** The line rows of a posted form (repeated fields), empty rows left out unless `keepEmpty`. */
export function lineRowsOf(form: Record<string, string | string[]>, keepEmpty = false): LineRowForm[] {
  const col = (name: string) => list(form[name]);
  const n = Math.max(...['kind', 'travelDate', 'amount', 'km', 'fiscalPower', 'hours'].map((c) => col(c).length), 0);
  const rows: LineRowForm[] = [];
  for (let i = 0; i < n; i++) {
    const row = {
      kind: text(col('kind')[i]),
      travelDate: text(col('travelDate')[i]),
      amount: text(col('amount')[i]),
      km: text(col('km')[i]),
      fiscalPower: text(col('fiscalPower')[i]),
      hours: text(col('hours')[i]),
    };
    if (keepEmpty || Object.values(row).some(Boolean)) rows.push(row);
  }
  return rows;
}

/** `42,5` km → 425 tenths; null when not a distance. */
function deciKm(s: string): number | null {
  const m = /^(\d{1,5})(?:[.,](\d))?$/.exec(s.replace(/\s|km/gi, ''));
  return m ? Number(m[1]) * 10 + Number(m[2] ?? 0) : null;
}

/** `2,5`, `2h30`, `2:30` hours → quarter-hours (rounded to the quarter); null when not a duration. */
function quarterHours(s: string): number | null {
  const clock = /^(\d{1,2})\s*[h:]\s*(\d{2})?$/i.exec(s.trim());
  if (clock) return Number(clock[1]) * 4 + Math.round(Number(clock[2] ?? 0) / 15);
  const dec = /^(\d{1,2})(?:[.,](\d{1,2}))?$/.exec(s.trim());
  return dec ? Math.round(Number(`${dec[1]}.${dec[2] ?? 0}`) * 4) : null;
}

/** Turns form rows into API lines; field errors are keyed by form field id (`line-0-amount`). */
export function linesFromRows(rows: LineRowForm[]): { lines: LineInputBody[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const lines: LineInputBody[] = [];
  rows.forEach((r, i) => {
    if (!LINE_KINDS.includes(r.kind as never)) {
      errors[`line-${i}-kind`] = 'choisissez le type de frais';
      return;
    }
    const line: Record<string, unknown> = { kind: r.kind };
    if (r.travelDate) line.travelDate = r.travelDate;
    if (r.amount) {
      const c = parseEuros(r.amount);
      if (c === null) errors[`line-${i}-amount`] = 'montant invalide (par exemple 12,50)';
      else line.amountCents = c;
    }
    if (r.km) {
      const d = deciKm(r.km);
      if (d === null) errors[`line-${i}-km`] = 'distance invalide (par exemple 42 ou 42,5)';
      else line.distanceDeciKm = d;
    }
    if (r.fiscalPower) line.fiscalPower = r.fiscalPower;
    if (r.hours) {
      const q = quarterHours(r.hours);
      if (q === null) errors[`line-${i}-hours`] = 'durée invalide (par exemple 2,5 ou 2h30)';
      else line.childcareQuarterHours = q;
    }
    lines.push(line as LineInputBody);
  });
  return { lines, errors };
}

/** API field names (`lines.0.amountCents`) → form field ids (`line-0-amount`). */
export function formField(field: string): string {
  const m = /^lines\.(\d+)\.(\w+)$/.exec(field);
  if (!m)
    return (
      (
        {
          sessionIds: 'sessionId',
          'sessionIds.0': 'sessionId',
          returnAt: 'returnTime',
          departureAt: 'departureTime',
        } as Record<string, string>
      )[field] ?? field
    );
  const map: Record<string, string> = {
    amountCents: 'amount',
    distanceDeciKm: 'km',
    childcareQuarterHours: 'hours',
    fiscalPower: 'fiscalPower',
    travelDate: 'travelDate',
    kind: 'kind',
  };
  return `line-${m[1]}-${map[m[2]] ?? 'kind'}`;
}
