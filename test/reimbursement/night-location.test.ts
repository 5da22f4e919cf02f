import { expect } from 'chai';
import { nightLocationOf } from '../../server/reimbursement/night-location.js';

describe('reimbursement rules: night location from the INSEE code', () => {
  for (const [code, name, expected] of [
    ['75056', 'Paris', 'paris'],
    ['75112', 'Paris 12e arrondissement', 'paris'],
    ['69123', 'Lyon (200 000+ inhabitants)', 'big_city'],
    ['69383', 'Lyon 3e arrondissement', 'big_city'],
    ['13055', 'Marseille', 'big_city'],
    ['92012', 'Boulogne-Billancourt (Métropole du Grand Paris)', 'big_city'],
    ['93066', 'Saint-Denis (Métropole du Grand Paris)', 'big_city'],
    ['26362', 'Valence', 'standard'],
    ['78646', 'Versailles (outside the Métropole du Grand Paris)', 'standard'],
    ['99999', 'an unknown code', 'standard'],
  ] as const) {
    it(`when the night is in ${name} (${code}), then the location is ${expected}`, () => {
      expect(nightLocationOf(code)).to.equal(expected);
    });
  }
});
