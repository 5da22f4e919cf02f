import { expect } from 'chai';
import { computeLine, LineInputError } from '../../server/reimbursement/compute-line.js';
import { countWindows, localInstant, MEAL_WINDOWS, NIGHT_WINDOW } from '../../server/reimbursement/windows.js';
import { context, line, local, rateSet } from './helpers.js';

const meal = line({ kind: 'meal', hasReceipt: false });
const away = (from: string, to: string, timeZone = 'Europe/Paris') =>
  context({ departure: local(from, timeZone), return: local(to, timeZone), timeZone });
const night = (amountCents: number, extra: Parameters<typeof line>[0] | object = {}) =>
  line({ kind: 'night', amountCents, nightLocation: 'standard', ...extra });

describe('reimbursement rules: meals, nights and allowances (time away)', () => {
  describe('meals', () => {
    it('when the time away is exactly 11:00 to 14:00, then the lunch window counts (bounds included)', () => {
      const r = computeLine(meal, away('2026-05-12 11:00', '2026-05-12 14:00'));
      expect(r).to.deep.equal({
        eligibleCents: 2000,
        explanation: '1 repas × 20,00 € = 20,00 €',
        rule: 'meal_windows_1',
        flags: [],
        category: 'meals',
      });
    });

    it('when the departure is 11:01 or the return 13:59, then the window is not wholly covered and nothing is due', () => {
      for (const [from, to] of [
        ['11:01', '14:00'],
        ['11:00', '13:59'],
      ]) {
        const r = computeLine(meal, away(`2026-05-12 ${from}`, `2026-05-12 ${to}`));
        expect(r.eligibleCents, `${from}–${to}`).to.equal(0);
        expect(r.rule).to.equal('meal_no_window');
        expect(r.flags).to.deep.equal(['not_eligible']);
      }
    });

    it('when the time away covers lunch and dinner, then two meals are due', () => {
      expect(computeLine(meal, away('2026-05-12 10:00', '2026-05-12 21:00')).eligibleCents).to.equal(4000);
    });

    it('when a meal was provided, then nothing is due, with the rule meal_provided', () => {
      const r = computeLine(meal, { ...away('2026-05-12 10:00', '2026-05-12 21:00'), mealProvided: true });
      expect(r).to.deep.include({
        eligibleCents: 0,
        rule: 'meal_provided',
        flags: ['not_eligible'],
        category: 'meals',
      });
    });

    it('when the trip lasts several days, then each day’s windows count (lunch, dinner, lunch)', () => {
      const r = computeLine(meal, away('2026-05-12 10:00', '2026-05-13 15:00'));
      expect(r.eligibleCents).to.equal(6000);
      expect(r.rule).to.equal('meal_windows_3');
    });

    it('when the day is a DST change (29 March, 25 October 2026), then the windows stay at local 11:00–14:00', () => {
      expect(computeLine(meal, away('2026-03-29 11:00', '2026-03-29 14:00')).eligibleCents).to.equal(2000);
      expect(computeLine(meal, away('2026-10-25 11:00', '2026-10-25 14:00')).eligibleCents).to.equal(2000);
      expect(computeLine(meal, away('2026-10-25 11:00', '2026-10-25 13:59')).eligibleCents).to.equal(0);
    });

    it('when the organisation is in another zone (Réunion), then its local windows apply', () => {
      const reunion = away('2026-05-12 11:00', '2026-05-12 14:00', 'Indian/Reunion');
      expect(computeLine(meal, reunion).eligibleCents).to.equal(2000);
      expect(computeLine(meal, { ...reunion, timeZone: 'Europe/Paris' }).eligibleCents).to.equal(0);
    });

    it('when the return is before the departure, then the line is refused naming return', () => {
      expect(() => computeLine(meal, away('2026-05-12 14:00', '2026-05-12 11:00')))
        .to.throw(LineInputError)
        .with.property('field', 'return');
    });
  });

  describe('nights', () => {
    const overnight = away('2026-05-12 18:00', '2026-05-13 10:00');

    it('when the person is away over 0 h–5 h and the hotel costs less than the cap, then the actual cost is due', () => {
      const r = computeLine(night(8000), overnight);
      expect(r).to.deep.include({ eligibleCents: 8000, rule: 'actual_cost', flags: [], category: 'nights' });
      expect(r.explanation).to.equal(
        'Nuitée : 80,00 € (coût réel sur justificatif, plafond 1 nuit × 90,00 € = 90,00 €, plafond général)',
      );
    });

    for (const [location, amount, cap, rule] of [
      ['standard', 10_000, 9_000, 'cap_night_standard'],
      ['big_city', 13_000, 12_000, 'cap_night_big_city'],
      ['paris', 15_000, 14_000, 'cap_night_paris'],
    ] as const) {
      it(`when a night in a ${location} location costs more than its cap, then it is capped at ${cap / 100} €`, () => {
        const r = computeLine(night(amount, { nightLocation: location }), overnight);
        expect(r).to.deep.include({ eligibleCents: cap, rule, flags: ['over_cap'] });
      });
    }

    it('when the person has reduced mobility, then the 150 € cap applies and the rule says so, never a diagnosis', () => {
      const r = computeLine(night(16_000, { reducedMobility: true, nightLocation: 'paris' }), overnight);
      expect(r).to.deep.include({ eligibleCents: 15_000, rule: 'cap_reduced_mobility', flags: ['over_cap'] });
      expect(r.explanation).to.equal(
        'Nuitée : 160,00 € plafonnés à 1 nuit × 150,00 € = 150,00 €, plafond mobilité réduite',
      );
    });

    it('when the return is at 4:59, then the person was not away over the whole 0 h–5 h window: nothing is due', () => {
      const r = computeLine(night(8000), away('2026-05-12 18:00', '2026-05-13 04:59'));
      expect(r).to.deep.include({ eligibleCents: 0, rule: 'night_not_away', flags: ['not_eligible'] });
    });

    it('when the time away is exactly 0:00 to 5:00, then the night counts (bounds included)', () => {
      expect(computeLine(night(8000), away('2026-05-13 00:00', '2026-05-13 05:00')).eligibleCents).to.equal(8000);
    });

    it('when the person was lodged for free, then nothing is due and no receipt is asked', () => {
      const r = computeLine(night(8000, { lodgedFree: true, hasReceipt: false }), overnight);
      expect(r).to.deep.include({ eligibleCents: 0, rule: 'lodged_free', flags: ['not_eligible'] });
    });

    it('when a night has no receipt, then it is flagged missing_receipt', () => {
      expect(computeLine(night(8000, { hasReceipt: false }), overnight).flags).to.deep.equal(['missing_receipt']);
    });

    it('when the stay lasts two nights, then the cap is two nights', () => {
      const r = computeLine(night(20_000), away('2026-05-12 18:00', '2026-05-14 10:00'));
      expect(r.eligibleCents).to.equal(18_000);
      expect(r.explanation).to.include('2 nuits × 90,00 € = 180,00 €');
    });

    it('when the night is that of a DST change (4 or 6 real hours), then it is one night all the same', () => {
      expect(computeLine(night(8000), away('2026-03-28 20:00', '2026-03-29 09:00')).eligibleCents).to.equal(8000);
      expect(computeLine(night(8000), away('2026-10-24 20:00', '2026-10-25 09:00')).eligibleCents).to.equal(8000);
      expect(countWindows(local('2026-03-28 20:00'), local('2026-03-29 09:00'), NIGHT_WINDOW, 'Europe/Paris')).to.equal(
        1,
      );
    });
  });

  describe('local windows', () => {
    it('when a local time is repeated by the autumn change, then the earlier instant is taken; other times map exactly', () => {
      expect(localInstant('2026-10-25', 2 * 60 + 30, 'Europe/Paris').toISOString()).to.equal(
        '2026-10-25T00:30:00.000Z',
      );
      expect(localInstant('2026-03-29', 11 * 60, 'Europe/Paris').toISOString()).to.equal('2026-03-29T09:00:00.000Z');
      expect(localInstant('2026-01-15', 0, 'Europe/Paris').toISOString()).to.equal('2026-01-14T23:00:00.000Z');
    });

    it('when a local time is skipped by the spring change, then an instant is still given (no exception)', () => {
      const t = localInstant('2026-03-29', 2 * 60 + 30, 'Europe/Paris');
      expect(t.toISOString()).to.equal('2026-03-29T01:30:00.000Z');
    });

    it('when no time is away, then no window counts', () => {
      const t = local('2026-05-12 12:00');
      expect(countWindows(t, t, MEAL_WINDOWS[0], 'Europe/Paris')).to.equal(0);
    });
  });

  describe('participation allowance', () => {
    const allowance = line({ kind: 'allowance', hasReceipt: false });
    const on = rateSet({ allowanceHalfDayCents: 4302 });

    it('when the policy has no allowance (the default), then nothing is due, flagged not_eligible, in its own category', () => {
      const r = computeLine(allowance, context());
      expect(r).to.deep.include({
        eligibleCents: 0,
        rule: 'allowance_off',
        flags: ['not_eligible'],
        category: 'allowances',
      });
    });

    for (const [from, to, halfDays] of [
      ['09:00', '12:59', 1],
      ['09:00', '13:00', 1], // ends at 13:00 sharp: a morning only
      ['09:00', '13:01', 2],
      ['13:00', '17:00', 1],
      ['12:59', '13:01', 2],
    ] as const) {
      it(`when the time away is ${from}–${to}, then ${halfDays} half-day(s) are due (split at 13:00)`, () => {
        const r = computeLine(allowance, { ...away(`2026-05-12 ${from}`, `2026-05-12 ${to}`), rates: on });
        expect(r.eligibleCents).to.equal(halfDays * 4302);
        expect(r.rule).to.equal('allowance_half_days');
        expect(r.category).to.equal('allowances');
      });
    }

    it('when the allowance is explained, then the half-days and the amount are spelled out', () => {
      const r = computeLine(allowance, { ...away('2026-05-12 09:00', '2026-05-13 17:00'), rates: on });
      expect(r.explanation).to.equal('4 demi-journées × 43,02 € = 172,08 €');
    });
  });
});
