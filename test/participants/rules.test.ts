import { expect } from 'chai';
import { normalisePhone } from '../../server/shared/phone.js';
import { communeByCode, communesByPostalCode, resolveCommune, searchCommunes } from '../../server/shared/communes.js';
import { checkParticipant, EMPTY_STATE } from '../../server/participants/rules.js';
import { detectDelimiter, mapColumns } from '../../server/participants/import-parse.js';
import { requireOverride } from '../../server/shared/override.js';
import { participantsError } from '../../server/participants/errors.js';

describe('participants: pure rules', () => {
  it('when a French phone number is typed in any usual way, then it becomes 0X XX XX XX XX', () => {
    for (const typed of [
      '06 12 34 56 78',
      '0612345678',
      '06.12.34.56.78',
      '06-12-34-56-78',
      '+33 6 12 34 56 78',
      '+33 (0)6 12 34 56 78',
      '0033612345678',
      ' +33612345678 ',
    ]) {
      expect(normalisePhone(typed), typed).to.equal('06 12 34 56 78');
    }
    expect(normalisePhone('04 75 79 26 26')).to.equal('04 75 79 26 26');
    expect(normalisePhone('+262 692 12 34 56')).to.equal('06 92 12 34 56');
    expect(normalisePhone('+590 590 12 34 56')).to.equal('05 90 12 34 56');
  });

  it('when a phone number is garbage, foreign or the wrong length, then it is refused', () => {
    for (const typed of [
      '',
      'abc',
      '06 12 34 56',
      '06 12 34 56 78 9',
      '00 12 34 56 78',
      '+32 470 12 34 56',
      '+33 0 12 34 56 78',
      '06 12 34 56 7a',
      'x'.repeat(40),
    ]) {
      expect(normalisePhone(typed), typed).to.equal(null);
    }
  });

  it('when a commune is looked up by INSEE code, then the current commune answers; unknown codes answer null', () => {
    expect(communeByCode('26362')?.name).to.equal('Valence');
    expect(communeByCode('26281')?.name).to.equal('Romans-sur-Isère');
    expect(communeByCode('2A004')?.name).to.equal('Ajaccio');
    expect(communeByCode('75056')?.name).to.equal('Paris');
    expect(communeByCode('99999')).to.equal(null);
    expect(communeByCode('ABCDE')).to.equal(null);
    expect(communesByPostalCode('26000').map((c) => c.code)).to.deep.equal(['26362']);
  });

  it('when communes are searched by name or postal code, then accents and case do not matter', () => {
    expect(searchCommunes('montelimar').map((c) => c.name)).to.include('Montélimar');
    expect(searchCommunes('BOURG LES VALENCE').map((c) => c.code)).to.include('26058');
    expect(searchCommunes('2615').map((c) => c.name)).to.include('Die');
    expect(searchCommunes('')).to.deep.equal([]);
  });

  it('when a commune is given by name and postal code, then it resolves; an ambiguous name asks for the postal code', () => {
    expect(resolveCommune({ name: 'romans sur isere', postalCode: '26100' })).to.deep.include({
      commune: communeByCode('26281'),
    });
    expect(resolveCommune({ postalCode: '26000' })).to.deep.include({ commune: communeByCode('26362') });
    expect(resolveCommune({ postalCode: '26150' })).to.have.property('field', 'communeName');
    expect(resolveCommune({ name: 'Valence', postalCode: '26100' })).to.have.property('field', 'communeName');
    expect(resolveCommune({ name: 'Saint-Martin' })).to.have.property('field', 'postalCode');
    expect(resolveCommune({ insee: '00000' })).to.deep.equal({ field: 'communeInsee', message: 'code INSEE inconnu' });
    expect(resolveCommune({})).to.deep.equal({ commune: null });
  });

  it('when no way to reach the person is given, then `contact` is named; a channel must be usable', () => {
    const base = { ...EMPTY_STATE, firstName: 'A', lastName: 'B' };
    expect(
      checkParticipant(base, { today: '2026-01-01', chooseChannel: true }).details.map((d) => d.field),
    ).to.deep.equal(['contact']);
    expect(
      checkParticipant(
        { ...base, addressLine1: '1 rue X', postalCode: '26000' },
        { today: '2026-01-01', chooseChannel: true },
      ).details.map((d) => d.field),
    ).to.deep.equal(['contact']);
    const byPartner = checkParticipant(
      { ...base, partnerId: '00000000-0000-4000-8000-000000000000' },
      { today: '2026-01-01', chooseChannel: true },
    );
    expect(byPartner.details).to.deep.equal([]);
    expect(byPartner.state.preferredChannel).to.equal('partner');
    const wrongChannel = checkParticipant(
      { ...base, phone: '0612345678', preferredChannel: 'email' },
      { today: '2026-01-01', chooseChannel: false },
    );
    expect(wrongChannel.details.map((d) => d.field)).to.deep.equal(['preferredChannel']);
    const minor = checkParticipant(
      { ...base, email: 'a@b.fr', isMinor: true },
      { today: '2026-01-01', chooseChannel: true },
    );
    expect(minor.details.map((d) => d.field)).to.deep.equal(['guardianName']);
  });

  it('when a CSV is read, then the separator is detected and French headers are recognised', () => {
    expect(detectDelimiter('nom;prénom;e-mail\nA;B;c')).to.equal(';');
    expect(detectDelimiter('nom,prénom,courriel\nA,B,c')).to.equal(',');
    const columns = mapColumns([
      'Nom',
      'Prénom',
      'Courriel',
      'Téléphone',
      'Code postal',
      'Commune',
      'Code INSEE',
      'Canal',
      'Structure relais',
      'Remarque',
    ]);
    expect(columns.map((c) => c.field)).to.deep.equal([
      'lastName',
      'firstName',
      'email',
      'phone',
      'postalCode',
      'communeName',
      'communeInsee',
      'preferredChannel',
      'partner',
      null,
    ]);
    expect(mapColumns(['Famille', 'Prénom'], { Famille: 'lastName' }).map((c) => c.field)).to.deep.equal([
      'lastName',
      'firstName',
    ]);
    expect(() => mapColumns(['Prénom']))
      .to.throw()
      .with.property('code', 'validation_failed');
  });

  it('when an override is missing, then the rule answers 409; given by someone not allowed, then 403', () => {
    const refusal = participantsError('participant_duplicate_requires_override');
    expect(() => requireOverride(refusal, undefined, true))
      .to.throw()
      .with.property('status', 409);
    expect(() => requireOverride(refusal, { reason: 'parce que' }, false))
      .to.throw()
      .with.property('code', 'override_forbidden');
    expect(requireOverride(refusal, { reason: ' homonyme ' }, true)).to.deep.equal({ reason: 'homonyme' });
    expect(() => requireOverride(refusal, { reason: '   ' }, true))
      .to.throw()
      .with.property('status', 400);
  });
});
