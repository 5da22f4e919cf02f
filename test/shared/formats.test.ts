import { expect } from 'chai';
import { isValidIban, isValidSiret, isValidTimeZone, isValidLocalDate } from '../../server/shared/validators.js';
import { formatDate, formatDateTime } from '../../server/shared/format.js';
import { formatCents, parseEuros, roundHalfUp, centsToInput } from '../../server/shared/money.js';

describe('formats', () => {
  it('when a SIRET has a correct Luhn key, then it is valid; one digit off, then not', () => {
    expect(isValidSiret('22260001700008')).to.equal(true);
    expect(isValidSiret('2226 0001 7000 08')).to.equal(true);
    expect(isValidSiret('22260001700009')).to.equal(false);
    expect(isValidSiret('2226000170000')).to.equal(false);
  });

  it('when a SIRET belongs to La Poste, then the sum-of-digits rule applies', () => {
    expect(isValidSiret('35600000000001')).to.equal(true);
    expect(isValidSiret('35600000000002')).to.equal(false);
  });

  it('when an IBAN is typed with spaces or lower case, then it is still checked by its key', () => {
    expect(isValidIban('FR76 3000 6000 0112 3456 7890 189')).to.equal(true);
    expect(isValidIban('fr7630006000011234567890189')).to.equal(true);
    expect(isValidIban('FR7630006000011234567890188')).to.equal(false);
  });

  it('when a time zone is an IANA name, then it is valid', () => {
    expect(isValidTimeZone('Europe/Paris')).to.equal(true);
    expect(isValidTimeZone('Indian/Reunion')).to.equal(true);
    expect(isValidTimeZone('Mars/Olympus')).to.equal(false);
  });

  it('when a date does not exist, then it is refused', () => {
    expect(isValidLocalDate('2026-02-28')).to.equal(true);
    expect(isValidLocalDate('2026-02-29')).to.equal(false);
    expect(isValidLocalDate('2028-02-29')).to.equal(true);
    expect(isValidLocalDate('2026-13-01')).to.equal(false);
  });
});

describe('money and French formatting', () => {
  it('when cents are formatted, then French separators with plain spaces are used', () => {
    expect(formatCents(123456)).to.equal('1 234,56 €');
    expect(formatCents(5)).to.equal('0,05 €');
    expect(() => formatCents(1.5)).to.throw();
  });

  it('when a person types an amount, then it becomes exact cents', () => {
    expect(parseEuros('15')).to.equal(1500);
    expect(parseEuros('15,5')).to.equal(1550);
    expect(parseEuros('1 234,56 €')).to.equal(123456);
    expect(parseEuros('0.07')).to.equal(7);
    expect(parseEuros('1,234')).to.equal(null);
    expect(parseEuros('-3')).to.equal(null);
    expect(centsToInput(1550)).to.equal('15,50');
  });

  it('when half a cent is rounded, then it goes up; below half, down', () => {
    expect(roundHalfUp(1345n, 100n)).to.equal(13); // 13.45
    expect(roundHalfUp(1350n, 100n)).to.equal(14); // 13.5
    expect(roundHalfUp(1349n, 100n)).to.equal(13);
    expect(roundHalfUp(-1350n, 100n)).to.equal(-14);
  });

  it('when a date is a calendar day, then no time zone shifts it', () => {
    expect(formatDate('2026-03-29')).to.equal('29/03/2026');
    expect(formatDateTime(new Date('2026-10-25T00:30:00Z'), 'Europe/Paris')).to.equal('25/10/2026 02:30');
    expect(formatDateTime(new Date('2026-10-25T01:30:00Z'), 'Europe/Paris')).to.equal('25/10/2026 02:30');
    expect(formatDateTime(new Date('2026-03-12T13:00:00Z'), 'Indian/Reunion')).to.equal('12/03/2026 17:00');
  });
});
