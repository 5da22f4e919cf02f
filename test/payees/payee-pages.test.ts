import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createParticipant } from '../helpers/factories.js';
import { freshIban, spaced } from './ibans.js';

describe('payees (pages)', () => {
  it('when staff add a payee with the form, then the list shows it masked; a wrong IBAN is explained in French; no CSRF, no change', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant({ firstName: 'Bernadette', lastName: 'Sauvageon' });
    const path = `/participants/${participant.id}/payees`;
    const empty = await staff.get(path);
    expect(empty.status).to.equal(200);
    expect(empty.text).to.include('Aucun bénéficiaire').and.include('Ajouter un bénéficiaire');

    const bad = await staff.postForm(path, {
      kind: 'participant',
      iban: 'FR76 1234',
      name: '',
      bic: '',
      partnerId: '',
    });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Le formulaire contient des erreurs').and.include('doit être un IBAN valide');

    const iban = freshIban();
    const noCsrf = await staff.request('POST', path, { form: { kind: 'participant', iban } });
    expect(noCsrf.status).to.equal(403);
    expect(await ctx().deps.db('payees').where({ participant_id: participant.id }).count({ n: '*' })).to.deep.equal([
      { n: 0 },
    ]);

    const ok = await staff.postForm(path, { kind: 'participant', iban, name: '', bic: '', partnerId: '' });
    expect(ok.status).to.equal(303);
    const list = await staff.get(path);
    expect(list.text)
      .to.include('Le bénéficiaire a été ajouté.')
      .and.include('Bernadette Sauvageon')
      .and.include(`•••${iban.slice(23, 24)} ${iban.slice(24)}`);
    expect(list.text).to.not.include(iban.slice(4, 14));
    expect(list.text).to.not.include('Afficher l’IBAN complet'); // staff do not reveal

    const row = await ctx().deps.db('payees').where({ participant_id: participant.id }).first('id');
    const edit = await staff.postForm(`${path}/${row.id}`, { name: 'B. Sauvageon', iban: '', bic: 'AGRIFRPP' });
    expect(edit.status).to.equal(303);
    const saved = await ctx().deps.db('payees').where({ id: row.id }).first();
    expect(saved).to.include({ name: 'B. Sauvageon', bic: 'AGRIFRPP', active: false });
  });

  it('when finance confirms the reveal, then the page shows the full IBAN once and the audit log has it; staff are refused', async () => {
    const staff = await signedIn('staff');
    const finance = await signedIn('finance');
    const participant = await createParticipant();
    const iban = freshIban();
    const { body } = await staff.post(`/api/participants/${participant.id}/payees`, { iban });
    const path = `/participants/${participant.id}/payees`;
    const list = await finance.get(path);
    expect(list.text).to.include('Afficher l’IBAN complet').and.not.include('Ajouter un bénéficiaire');
    const confirm = await finance.get(`${path}?reveal=${body.payee.id}`);
    expect(confirm.text).to.include('Confirmez').and.include(`${path}/${body.payee.id}/reveal-iban`);
    expect(confirm.text).to.not.include(iban.slice(4, 14));
    expect((await staff.postForm(`${path}/${body.payee.id}/reveal-iban`, {})).status).to.equal(403);
    const shown = await finance.postForm(`${path}/${body.payee.id}/reveal-iban`, {});
    expect(shown.status).to.equal(200);
    expect(shown.text).to.include(spaced(iban));
    expect(shown.headers.get('cache-control')).to.equal('no-store');
    const events = await ctx()
      .deps.db('audit_events')
      .where({ record_id: body.payee.id, action: 'payee.iban_revealed' });
    expect(events).to.have.length(1);
  });
});
