import { localToInstant } from '../../server/shared/dates.js';
import { defaultRates } from '../../server/reimbursement/schemas.js';
import type { LineContext, LineInput, RateSet } from '../../server/reimbursement/types.js';

/** The organisation's default rate set (docs/domain.md#reimbursement-rates), with changes. */
export function rateSet(changes: { [K in keyof RateSet]?: unknown } = {}): RateSet {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    effectiveFrom: '2022-03-14',
    projectPolicyId: null,
    ...defaultRates(),
    ...changes,
  } as RateSet;
}

/** `'2026-05-12 11:00'` in Europe/Paris (or the zone given) → instant. */
export function local(dateTime: string, timeZone = 'Europe/Paris'): Date {
  const [date, time] = dateTime.split(' ');
  return localToInstant(date, time, timeZone);
}

/** A context for a day away from 9:00 to 17:00 on 12 May 2026, Paris time, no meal provided. */
export function context(changes: Partial<LineContext> = {}): LineContext {
  return {
    rates: rateSet(),
    timeZone: 'Europe/Paris',
    departure: local('2026-05-12 09:00'),
    return: local('2026-05-12 17:00'),
    mealProvided: false,
    priorMileageDeciKmThisYear: 0,
    ...changes,
  };
}

/** A line as a person enters it (amounts as plain numbers of cents, branded here). */
export function line(
  input: Partial<Omit<LineInput, 'amountCents'>> & Pick<LineInput, 'kind'> & { amountCents?: number },
): LineInput {
  return { travelDate: '2026-05-12', hasReceipt: true, ...input } as LineInput;
}
