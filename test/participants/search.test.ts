import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { archiveParticipants } from '../../server/privacy/lifecycle.js';
import { invitationCandidates, walkInCandidates } from '../../server/sessions/repo.js';
import { createProject } from '../helpers/logistics.js';
import { newPerson, tag } from './support.js';

// Search through the stored, folded columns (sort_name, search_contact) and their indexes.

type Staff = Awaited<ReturnType<typeof signedIn>>;

async function registered(staff: Staff, body: Record<string, unknown>): Promise<{ id: string; reference: string }> {
  const r = await staff.post('/api/participants', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body;
}

const searchColumnsOf = (id: string) =>
  ctx().deps.db('participants').where({ id }).first('sort_name', 'search_contact') as Promise<{
    sort_name: string;
    search_contact: string | null;
  }>;

describe('participants: search that scales', () => {
  it('when a name has accents or capitals, then a search in any case and without accents finds it, word order aside', async () => {
    const staff = await signedIn('staff');
    const t = tag().toLowerCase();
    const elodie = await registered(staff, newPerson({ firstName: 'Élodie', lastName: `MARTIN-Lefèvre${t}` }));
    const ids = async (q: string) =>
      (await staff.get(`/api/participants?q=${encodeURIComponent(q)}`)).body.items.map((p: { id: string }) => p.id);
    expect(await searchColumnsOf(elodie.id)).to.include({ sort_name: `martin-lefevre${t} elodie` });
    for (const q of [
      `elodie martin-lefevre${t}`,
      `ÉLODIE ${t}`,
      `martin-lefèvre${t}`,
      `lefevre${t} élo`,
      `MARTIN-LEFEVRE${t}`,
    ])
      expect(await ids(q), q).to.deep.equal([elodie.id]);
    expect(await ids(`elodie${t}`), 'both words in one').to.deep.equal([]);
  });

  it('when a phone is typed with or without spaces, or part of an e-mail in capitals, then the person is found', async () => {
    const staff = await signedIn('staff');
    const t = tag().toLowerCase();
    const digits = `06${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const spaced = digits.replace(/(\d\d)(?=\d)/g, '$1 ');
    const p = await registered(staff, newPerson({ email: `joe.${t}@exemple.fr`, phone: spaced }));
    expect(await searchColumnsOf(p.id)).to.deep.equal({
      sort_name: (await searchColumnsOf(p.id)).sort_name,
      search_contact: `joe.${t}@exemple.fr ${digits}`,
    });
    const ids = async (q: string) =>
      (await staff.get(`/api/participants?q=${encodeURIComponent(q)}`)).body.items.map((x: { id: string }) => x.id);
    expect(await ids(spaced)).to.include(p.id);
    expect(await ids(digits)).to.include(p.id);
    expect(await ids(`+33 ${spaced.slice(1)}`)).to.include(p.id);
    expect(await ids(digits.slice(2, 8).replace(/(\d\d)/g, '$1 '))).to.include(p.id);
    expect(await ids(`JOE.${t.toUpperCase()}@EXEMPLE`)).to.deep.equal([p.id]);
    // An auditor searches neither names nor contacts (read.test.ts covers the fields they see).
    const auditor = await signedIn('auditor');
    expect((await auditor.get(`/api/participants?q=${digits}`)).body.items).to.deep.equal([]);
  });

  it('when a name, e-mail or phone changes, then the stored search columns follow and the old values find nothing', async () => {
    const staff = await signedIn('staff');
    const t = tag().toLowerCase();
    const p = await registered(staff, newPerson({ lastName: `Avant${t}`, email: `avant.${t}@exemple.fr` }));
    const r = await staff.patch(`/api/participants/${p.id}`, {
      lastName: `Après${t}`,
      email: `apres.${t}@exemple.fr`,
      phone: '07 11 22 33 44',
    });
    expect(r.status, r.text).to.equal(200);
    expect(await searchColumnsOf(p.id)).to.deep.equal({
      sort_name: `apres${t} amina`,
      search_contact: `apres.${t}@exemple.fr 0711223344`,
    });
    const ids = async (q: string) =>
      (await staff.get(`/api/participants?q=${encodeURIComponent(q)}`)).body.items.map((x: { id: string }) => x.id);
    expect(await ids(`avant${t}`)).to.deep.equal([]);
    expect(await ids(`après${t}`)).to.deep.equal([p.id]);
    // A change of another field leaves them as they are.
    expect((await staff.patch(`/api/participants/${p.id}`, { addressLine1: '3 rue Haute' })).status).to.equal(200);
    expect((await searchColumnsOf(p.id)).sort_name).to.equal(`apres${t} amina`);
  });

  it('when a search or the list is read page by page, then the pages follow the folded name and id, without repeat or gap, both ways', async () => {
    const staff = await signedIn('staff');
    const t = tag().toLowerCase();
    const made: string[] = [];
    // Same last name, accents and capitals mixed (Zoé and Zoe fold alike): the sort is on the folded name, then the id.
    for (const first of ['Zoé', 'andré', 'Émile', 'Bruno', 'Célia', 'Zoe'])
      made.push((await registered(staff, newPerson({ firstName: first, lastName: `Pagé${t}` }))).id);
    for (const sort of ['lastName', '-lastName']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await staff.get(
          `/api/participants?q=page${t}&limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...r.body.items.map((x) => x.id));
        cursor = r.body.nextCursor;
      } while (cursor);
      const rows = await ctx().deps.db('participants').whereIn('id', made).select('id', 'sort_name');
      const expected = rows
        .sort((a, b) => (a.sort_name === b.sort_name ? (a.id < b.id ? -1 : 1) : a.sort_name < b.sort_name ? -1 : 1))
        .map((x) => x.id);
      expect(seen, sort).to.deep.equal(sort === 'lastName' ? expected : expected.reverse());
    }
  });

  it('when a person is archived then anonymised, then the stored copies of their contacts, then of their names, are erased', async () => {
    const staff = await signedIn('staff');
    const t = tag().toLowerCase();
    const p = await registered(staff, newPerson({ lastName: `Efface${t}`, phone: '06 55 44 33 22' }));
    expect((await searchColumnsOf(p.id)).search_contact).to.include('0655443322');
    const now = ctx().deps.now();
    await ctx().deps.db.transaction((trx) => archiveParticipants(trx, [p.id], now));
    expect(await searchColumnsOf(p.id)).to.deep.equal({ sort_name: `efface${t} amina`, search_contact: null });
    const dpo = await signedIn('dpo');
    const r = await dpo.post(`/api/participants/${p.id}/erase`, { reasonCode: 'erasure_request' });
    expect(r.status, r.text).to.equal(200);
    expect(await searchColumnsOf(p.id)).to.deep.equal({ sort_name: '', search_contact: null });
    const found = await dpo.get(`/api/participants?status=anonymised&q=efface${t}`);
    expect(found.body.items).to.deep.equal([]);
  });

  it('when staff look for a person to invite or to add as a walk-in, then accents, case and word order do not matter either', async () => {
    const staff = await signedIn('staff');
    const t = tag().toLowerCase();
    const p = await registered(staff, newPerson({ firstName: 'Noël', lastName: `Lefèvre${t}` }));
    const project = await createProject();
    const s = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier',
      kind: 'workshop',
      startLocal: '2027-03-10T14:00',
      endLocal: '2027-03-10T16:00',
      capacity: 10,
    });
    expect(s.status, s.text).to.equal(201);
    const db = ctx().deps.db;
    for (const q of [`noel LEFEVRE${t}`, `lefèvre${t}`, p.reference.toLowerCase()]) {
      expect(
        (await invitationCandidates(db, { q }, s.body.id)).map((r) => r.id),
        q,
      ).to.deep.equal([p.id]);
      expect(
        (await walkInCandidates(db, s.body.id, q)).map((r) => r.id),
        q,
      ).to.deep.equal([p.id]);
    }
  });
});
