import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createParticipant, createUser } from '../helpers/factories.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import type { Client } from '../helpers/client.js';
import { today } from './helpers.js';

/** Posts the multipart record form as a browser does: the CSRF token in the action URL. */
function postRecordForm(
  client: Client,
  participantId: string,
  fields: Record<string, string>,
  file?: Buffer,
  csrf = client.csrfToken ?? '',
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('evidence', new Blob([new Uint8Array(file ?? Buffer.alloc(0))]), file ? 'scan.pdf' : '');
  return client.request('POST', `/participants/${participantId}/consents?_csrf=${csrf}`, { multipart: form });
}

describe('consents: pages', () => {
  it('when staff record a consent with the multipart form, then it is listed; errors are explained in French; a form without CSRF is refused', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant({ firstName: 'Jeanne', lastName: 'Pauchon' });
    const page = await staff.get(`/participants/${participant.id}/consents`);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('Aucun consentement')
      .and.include('enctype="multipart/form-data"')
      .and.include(`?_csrf=${staff.csrfToken}`);

    const empty = { purposeCode: 'contact', channel: 'oral', witnessUserId: '', givenOn: today(), expiresOn: '' };
    const bad = await postRecordForm(staff, participant.id, empty);
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Le formulaire contient des erreurs').and.include('obligatoire pour un accord oral');

    const fake = await postRecordForm(staff, participant.id, { ...empty, channel: 'paper' }, SAMPLE_FILES.executable);
    expect(fake.status).to.equal(400);
    expect(fake.text).to.include('doit être un PDF, un JPEG ou un PNG');

    expect(
      (await postRecordForm(staff, participant.id, { ...empty, channel: 'paper' }, undefined, 'wrong')).status,
    ).to.equal(403);
    expect(await ctx().deps.db('consents').where({ participant_id: participant.id }).count({ n: '*' })).to.deep.equal([
      { n: 0 },
    ]);

    const witness = await createUser({ roles: ['staff'], name: 'Agent Témoin' });
    const ok = await postRecordForm(staff, participant.id, { ...empty, witnessUserId: witness.id }, SAMPLE_FILES.pdf);
    expect(ok.status).to.equal(303);
    const after = await staff.get(`/participants/${participant.id}/consents`);
    expect(after.text)
      .to.include('Le consentement a été enregistré.')
      .and.include('Vous contacter pour participer')
      .and.include('témoin : Agent Témoin')
      .and.include('Télécharger');
  });

  it('when staff confirm a withdrawal on the page, then the consent shows as withdrawn', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const { body } = await staff.post(`/api/participants/${participant.id}/consents`, {
      purposeCode: 'profile',
      channel: 'paper',
      givenOn: today(),
    });
    const confirm = await staff.get(`/participants/${participant.id}/consents?withdraw=${body.consent.id}`);
    expect(confirm.text).to.include('Confirmer le retrait').and.include('Le profil (tranche d’âge');
    const noCsrf = await staff.request('POST', `/participants/${participant.id}/consents/${body.consent.id}/withdraw`, {
      form: { withdrawnOn: today(), withdrawalChannel: 'paper' },
    });
    expect(noCsrf.status).to.equal(403);
    const future = await staff.postForm(`/participants/${participant.id}/consents/${body.consent.id}/withdraw`, {
      withdrawnOn: '2999-01-01',
      withdrawalChannel: 'paper',
    });
    expect(future.status).to.equal(400);
    expect(future.text).to.include('ne peut pas être dans le futur');
    const done = await staff.postForm(`/participants/${participant.id}/consents/${body.consent.id}/withdraw`, {
      withdrawnOn: today(),
      withdrawalChannel: 'phone',
    });
    expect(done.status).to.equal(303);
    const page = await staff.get(`/participants/${participant.id}/consents`);
    expect(page.text)
      .to.include('Le retrait du consentement a été enregistré.')
      .and.include('Retiré le')
      .and.include('par téléphone');
  });

  it('when an auditor opens the consents page, then the history shows without forms or evidence links', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    await staff.upload(
      'POST',
      `/api/participants/${participant.id}/consents`,
      { purposeCode: 'contact', channel: 'paper', givenOn: today() },
      { field: 'evidence', name: 'a.pdf', bytes: SAMPLE_FILES.pdf },
    );
    const auditor = await signedIn('auditor');
    const page = await auditor.get(`/participants/${participant.id}/consents`);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('Vous contacter pour participer')
      .and.not.include('Enregistrer un consentement')
      .and.not.include('/evidence');
  });
});
