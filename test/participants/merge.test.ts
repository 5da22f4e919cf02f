import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { auditOf, giveConsent, newPerson } from './support.js';

describe('participants: merging two records of one person', () => {
  it('when a duplicate is merged, then its consents, payees and requests move to the kept record, it points there and leaves the lists', async () => {
    const staff = await signedIn('staff');
    const db = ctx().deps.db;
    const kept = (await staff.post('/api/participants', newPerson())).body;
    const source = (
      await staff.post(
        '/api/participants',
        newPerson({ lastName: kept.lastName, communeInsee: '26281', postalCode: '26100' }),
      )
    ).body;
    const keptContact = await giveConsent(kept.id, 'contact', { givenOn: '2026-02-01' });
    const sourceContact = await giveConsent(source.id, 'contact', { givenOn: '2026-03-01' });
    await giveConsent(source.id, 'media');
    await db('payees').insert({ participant_id: source.id, kind: 'participant' });
    await db('privacy_requests').insert({
      participant_id: source.id,
      kind: 'access',
      received_on: '2026-03-02',
      channel: 'mail',
      due_on: '2026-04-02',
    });

    const r = await staff.post(`/api/participants/${kept.id}/merge`, { sourceId: source.id });
    expect(r.status).to.equal(200);
    expect(r.body.moved).to.deep.equal({ consents: 2, payees: 1, privacyRequests: 1 });
    expect(r.body.kept.id).to.equal(kept.id);
    // One live consent per purpose: the older contact consent is superseded by the newer one.
    expect((await db('consents').where({ id: keptContact }).first()).superseded_by).to.equal(sourceContact);
    expect(await db('consents').where({ participant_id: source.id }).count({ n: '*' })).to.deep.equal([{ n: 0 }]);
    expect((await db('payees').where({ participant_id: kept.id })).length).to.equal(1);

    const followed = await staff.get(`/api/participants/${source.id}`);
    expect(followed.body).to.deep.equal({
      id: source.id,
      reference: source.reference,
      status: 'active',
      mergedIntoId: kept.id,
    });
    expect(
      (await staff.get(`/api/participants?q=${kept.lastName}`)).body.items.map((p: { id: string }) => p.id),
    ).to.deep.equal([kept.id]);
    const [event] = (await auditOf(kept.id)).filter((e) => e.action === 'participant.merged');
    expect(event.data).to.deep.include({ keptId: kept.id, sourceId: source.id });
    const page = await staff.get(`/participants/${source.id}`);
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal(`/participants/${kept.id}`);

    const again = await staff.post(`/api/participants/${kept.id}/merge`, { sourceId: source.id });
    expect(again.status).to.equal(200);
    expect(again.body.moved).to.deep.equal({ consents: 0, payees: 0, privacyRequests: 0 });
    const backwards = await staff.post(`/api/participants/${source.id}/merge`, { sourceId: kept.id });
    expect(backwards.status).to.equal(409);
    expect(backwards.body.error.code).to.equal('participant_merged');
    expect((await staff.patch(`/api/participants/${source.id}`, { firstName: 'Autre' })).body.error.code).to.equal(
      'participant_merged',
    );
  });

  it('when a record is merged into itself or into a missing one, then 400 names sourceId', async () => {
    const staff = await signedIn('staff');
    const p = (await staff.post('/api/participants', newPerson())).body;
    const self = await staff.post(`/api/participants/${p.id}/merge`, { sourceId: p.id });
    expect(self.status).to.equal(400);
    expect(self.body.error.details[0].field).to.equal('sourceId');
    const missing = await staff.post(`/api/participants/${p.id}/merge`, {
      sourceId: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.status).to.equal(400);
  });

  it('when staff merge from the pages, then a comparison is shown before the confirmation', async () => {
    const staff = await signedIn('staff');
    const kept = (await staff.post('/api/participants', newPerson())).body;
    const source = (await staff.post('/api/participants', newPerson())).body;
    const unknown = await staff.postForm(`/participants/${kept.id}/merge`, { sourceReference: 'P-1999-99999' });
    expect(unknown.status).to.equal(400);
    expect(unknown.text).to.include('aucune fiche ne porte cette référence');
    const compare = await staff.postForm(`/participants/${kept.id}/merge`, {
      sourceReference: source.reference.toLowerCase(),
    });
    expect(compare.status).to.equal(200);
    expect(compare.text).to.include('Confirmer la fusion').and.include(source.email).and.include(kept.email);
    expect(await ctx().deps.db('participants').where({ id: source.id }).first('merged_into_id')).to.deep.equal({
      merged_into_id: null,
    });
    const done = await staff.postForm(`/participants/${kept.id}/merge`, { sourceId: source.id, confirm: 'yes' });
    expect(done.status).to.equal(303);
    expect(await ctx().deps.db('participants').where({ id: source.id }).first('merged_into_id')).to.deep.equal({
      merged_into_id: kept.id,
    });
    const detail = await staff.get(`/participants/${kept.id}`);
    expect(detail.text).to.include('Une fiche en double a été fusionnée dans celle-ci');
  });
});
