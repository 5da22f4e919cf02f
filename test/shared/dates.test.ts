import { expect } from 'chai';
import {
  formatLocalRange,
  localDateTimeToInstant,
  localToInstant,
  LocalTimeError,
  toLocal,
  formatLongDate,
} from '../../server/shared/dates.js';
import { countHalfDays, venueCost } from '../../server/shared/halfdays.js';

const at = (iso: string) => new Date(iso);

describe('dates (Europe/Paris)', () => {
  it('when a winter or summer local time is given, then it maps to the instant with that day’s offset', () => {
    expect(localToInstant('2026-01-15', '14:00').toISOString()).to.equal('2026-01-15T13:00:00.000Z');
    expect(localToInstant('2026-07-15', '14:00').toISOString()).to.equal('2026-07-15T12:00:00.000Z');
  });

  it('when the local time is skipped by the spring change (2026-03-29T02:30), then it is refused as a gap', () => {
    expect(() => localToInstant('2026-03-29', '02:30'))
      .to.throw(LocalTimeError)
      .with.property('reason', 'gap');
    expect(localToInstant('2026-03-29', '03:00').toISOString()).to.equal('2026-03-29T01:00:00.000Z');
    expect(localToInstant('2026-03-29', '01:59').toISOString()).to.equal('2026-03-29T00:59:00.000Z');
  });

  it('when the local time is repeated by the autumn change (2026-10-25T02:30), then it is refused as ambiguous', () => {
    expect(() => localDateTimeToInstant('2026-10-25T02:30'))
      .to.throw(LocalTimeError)
      .with.property('reason', 'ambiguous');
  });

  it('when a session is on the day of the October change, then its local times are kept', () => {
    const start = localToInstant('2026-10-25', '14:00');
    const end = localToInstant('2026-10-25', '17:00');
    expect(start.toISOString()).to.equal('2026-10-25T13:00:00.000Z');
    expect(toLocal(start)).to.deep.include({ date: '2026-10-25', time: '14:00' });
    expect(formatLocalRange(start, end)).to.equal('dimanche 25 octobre 2026, de 14 h 00 à 17 h 00');
  });

  it('when the date or time does not exist at all, then it is invalid', () => {
    expect(() => localToInstant('2026-02-30', '10:00'))
      .to.throw(LocalTimeError)
      .with.property('reason', 'invalid');
    expect(() => localToInstant('2026-02-10', '24:00')).to.throw(LocalTimeError);
  });

  it('when another zone is used (Réunion), then its offset applies', () => {
    expect(localToInstant('2026-03-29', '02:30', 'Indian/Reunion').toISOString()).to.equal('2026-03-28T22:30:00.000Z');
    expect(formatLongDate(at('2026-03-28T22:30:00Z'), 'Indian/Reunion')).to.equal('dimanche 29 mars 2026');
  });
});

describe('half-days (split at 13:00 local)', () => {
  const paris = (d: string, t: string) => localToInstant(d, t);
  it('when a session is a morning, an afternoon, or both, then it counts 1, 1 or 2', () => {
    expect(countHalfDays(paris('2026-05-12', '09:00'), paris('2026-05-12', '12:00')).halfDays).to.equal(1);
    expect(countHalfDays(paris('2026-05-12', '09:00'), paris('2026-05-12', '13:00')).halfDays).to.equal(1);
    expect(countHalfDays(paris('2026-05-12', '13:00'), paris('2026-05-12', '17:00')).halfDays).to.equal(1);
    expect(countHalfDays(paris('2026-05-12', '12:30'), paris('2026-05-12', '13:30')).halfDays).to.equal(2);
  });

  it('when a session spans two days, then each day counts its own half-days', () => {
    expect(countHalfDays(paris('2026-05-12', '14:00'), paris('2026-05-13', '11:00'))).to.deep.equal({
      halfDays: 2,
      days: 2,
    });
    expect(countHalfDays(paris('2026-05-12', '14:00'), paris('2026-05-13', '00:00'))).to.deep.equal({
      halfDays: 1,
      days: 1,
    });
  });

  it('when the range is empty or reversed, then it counts nothing', () => {
    expect(countHalfDays(paris('2026-05-12', '14:00'), paris('2026-05-12', '14:00'))).to.deep.equal({
      halfDays: 0,
      days: 0,
    });
  });

  it('when the October change falls during a session, then the local 13:00 still splits it', () => {
    // The clock goes back at 03:00: a 01:00–12:00 session lasts 12 real hours but is one morning.
    expect(countHalfDays(paris('2026-10-25', '01:00'), paris('2026-10-25', '12:00')).halfDays).to.equal(1);
    expect(countHalfDays(paris('2026-10-25', '10:00'), paris('2026-10-25', '14:00')).halfDays).to.equal(2);
  });

  it('when a venue costs per half-day, per day or nothing, then the cost follows', () => {
    const s = paris('2026-05-12', '10:00');
    const e = paris('2026-05-12', '16:00');
    expect(venueCost('free', 5000, s, e)).to.equal(0);
    expect(venueCost('half_day', 5000, s, e)).to.equal(10000);
    expect(venueCost('day', 8000, s, e)).to.equal(8000);
  });
});

describe('calendar days', () => {
  it('when months are added, then the day is kept or clamped to the end of the month; local days follow the time zone', async () => {
    const { addMonths, localDay } = await import('../../server/shared/dates.js');
    expect(addMonths('2026-01-31', 1)).to.equal('2026-02-28');
    expect(addMonths('2028-01-31', 1)).to.equal('2028-02-29');
    expect(addMonths('2026-11-30', 3)).to.equal('2027-02-28');
    expect(addMonths('2026-03-15', 24)).to.equal('2028-03-15');
    expect(localDay(new Date('2026-12-31T23:30:00Z'), 'Europe/Paris')).to.equal('2027-01-01');
    expect(localDay(new Date('2026-12-31T23:30:00Z'), 'America/Cayenne')).to.equal('2026-12-31');
  });
});
