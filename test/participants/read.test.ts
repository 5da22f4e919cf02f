import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createPartner } from '../helpers/factories.js';
import { auditOf, giveConsent, newPerson, tag } from './support.js';

async function registered(staff: Awaited<ReturnType<typeof signedIn>>, body: Record<string, unknown>) {
  const r = await staff.post('/api/participants', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body;
}

describe('participants: finding and reading', () => {
  it('when participants are searched, then name (any accents or order), reference, e-mail, phone, commune and partner find them', async () => {
    const staff = await signedIn('staff');
    const t = tag();
    const partner = await createPartner({ name: `Relais ${t}` });
    const anh = await registered(
      staff,
      newPerson({ lastName: `Nguyễn${t}`, firstName: 'Thị Ánh', phone: '06 39 98 02 01' }),
    );
    const other = await registered(
      staff,
      newPerson({ lastName: `Élie${t}`, partnerId: partner.id, communeInsee: '26113', postalCode: '26150' }),
    );
    const ids = async (q: string) =>
      (await staff.get(`/api/participants?q=${encodeURIComponent(q)}`)).body.items.map((p: { id: string }) => p.id);
    expect(await ids(`nguyen${t}`)).to.deep.equal([anh.id]);
    expect(await ids(`Thị Ánh Nguyễn${t}`)).to.deep.equal([anh.id]);
    expect(await ids(`nguyen${t} thi`)).to.deep.equal([anh.id]);
    expect(await ids(anh.reference)).to.deep.equal([anh.id]);
    expect(await ids(anh.email.toUpperCase())).to.deep.equal([anh.id]);
    expect(await ids('+33639980201')).to.deep.equal([anh.id]);
    expect(await ids(`Relais ${t}`)).to.deep.equal([other.id]);
    expect(await ids(`elie${t}`)).to.deep.equal([other.id]);
    expect(await ids('%')).to.not.include(anh.id);
  });

  it('when participants are listed, then filters, sort and cursor pages work, and merged or other-status records stay out', async () => {
    const staff = await signedIn('staff');
    const t = tag();
    const partner = await createPartner();
    const made = [];
    for (const [i, name] of ['Bernard', 'Ábel', 'Caron', 'Dupuis'].entries()) {
      made.push(
        await registered(
          staff,
          newPerson({
            lastName: `${name}${t}`,
            firstName: 'X',
            partnerId: i < 3 ? partner.id : null,
            communeInsee: i === 3 ? '26281' : '26362',
            postalCode: i === 3 ? '26100' : '26000',
          }),
        ),
      );
    }
    await giveConsent(made[2].id, 'needs');
    await staff.patch(`/api/participants/${made[2].id}`, { needs: ['childcare'] });
    const names = (r: { body: { items: { lastName: string }[] } }) =>
      r.body.items.map((p) => p.lastName.replace(t, ''));
    const page1 = await staff.get(`/api/participants?q=${t}&limit=2&sort=lastName`);
    expect(names(page1)).to.deep.equal(['Ábel', 'Bernard']);
    const page2 = await staff.get(`/api/participants?q=${t}&limit=2&sort=lastName&cursor=${page1.body.nextCursor}`);
    expect(names(page2)).to.deep.equal(['Caron', 'Dupuis']);
    expect(page2.body.nextCursor).to.equal(null);
    expect(names(await staff.get(`/api/participants?q=${t}&sort=-lastName`))).to.deep.equal([
      'Dupuis',
      'Caron',
      'Bernard',
      'Ábel',
    ]);
    expect(names(await staff.get(`/api/participants?q=${t}&sort=createdAt`))).to.deep.equal([
      'Bernard',
      'Ábel',
      'Caron',
      'Dupuis',
    ]);
    expect(names(await staff.get(`/api/participants?q=${t}&sort=-createdAt&limit=1`))).to.deep.equal(['Dupuis']);
    expect(names(await staff.get(`/api/participants?q=${t}&partnerId=${partner.id}`))).to.deep.equal([
      'Ábel',
      'Bernard',
      'Caron',
    ]);
    expect(names(await staff.get(`/api/participants?q=${t}&communeInsee=26281`))).to.deep.equal(['Dupuis']);
    expect(names(await staff.get(`/api/participants?q=${t}&hasNeeds=true`))).to.deep.equal(['Caron']);
    expect(names(await staff.get(`/api/participants?partnerId=${partner.id}&hasNeeds=false`))).to.deep.equal([
      'Ábel',
      'Bernard',
    ]);
    await ctx()
      .deps.db('participants')
      .where({ id: made[0].id })
      .update({ status: 'anonymised', first_name: null, last_name: null, email: null });
    expect(names(await staff.get(`/api/participants?q=${t}`))).to.deep.equal(['Ábel', 'Caron', 'Dupuis']);
    const anonymised = await staff.get(`/api/participants?status=anonymised&q=${made[0].reference}`);
    expect(anonymised.body.items).to.deep.equal([
      { id: made[0].id, reference: made[0].reference, status: 'anonymised' },
    ]);
    for (const bad of ['sort=email', 'limit=500', 'cursor=garbage', 'status=deleted', 'partnerId=x']) {
      expect((await staff.get(`/api/participants?${bad}`)).status, bad).to.equal(400);
    }
  });

  it('when other roles read, then each sees only its fields: auditor no contact, needs or profile; finance no needs or profile; project lead everything', async () => {
    const staff = await signedIn('staff');
    const p = await registered(
      staff,
      newPerson({ phone: '06 39 98 02 02', addressLine1: '8 rue Bouffier', lastName: `Roles${tag()}` }),
    );
    await giveConsent(p.id, 'needs');
    await giveConsent(p.id, 'profile');
    await staff.patch(`/api/participants/${p.id}`, { needs: ['sign_language'], profileAgeBand: '60-74' });
    const read = async (role: 'auditor' | 'finance' | 'project_lead' | 'dpo') =>
      (await (await signedIn(role)).get(`/api/participants/${p.id}`)).body;
    const auditor = await read('auditor');
    expect(Object.keys(auditor).sort()).to.deep.equal([
      'communeInsee',
      'communeName',
      'createdAt',
      'id',
      'partnerId',
      'partnerName',
      'reference',
      'status',
      'updatedAt',
    ]);
    const finance = await read('finance');
    expect(finance).to.include({ lastName: p.lastName, addressLine1: '8 rue Bouffier', postalCode: '26000' });
    for (const hidden of ['email', 'phone', 'needs', 'needsNote', 'profileAgeBand'])
      expect(finance, hidden).to.not.have.property(hidden);
    const lead = await read('project_lead');
    expect(lead).to.include({ email: p.email, profileAgeBand: '60-74' });
    expect(lead.needs).to.deep.equal(['sign_language']);
    expect((await read('dpo')).needs).to.deep.equal(['sign_language']);
    const list = await (await signedIn('auditor')).get(`/api/participants?q=${p.reference}`);
    expect(list.body.items[0]).to.not.have.property('lastName');
    // An auditor cannot probe e-mails or names through search, nor filter on needs.
    expect(
      (await (await signedIn('auditor')).get(`/api/participants?q=${encodeURIComponent(p.email)}`)).body.items,
    ).to.deep.equal([]);
    expect((await (await signedIn('auditor')).get(`/api/participants?q=${p.lastName}`)).body.items).to.deep.equal([]);
    expect((await (await signedIn('finance')).get('/api/participants?hasNeeds=true')).status).to.equal(403);
  });

  it('when a record is archived, then staff are refused (403 archived_restricted) and each read by finance or the DPO is audited', async () => {
    const staff = await signedIn('staff');
    const p = await registered(staff, newPerson({ lastName: `Archive${tag()}` }));
    await ctx()
      .deps.db('participants')
      .where({ id: p.id })
      .update({ status: 'archived', archived_at: new Date(), email: null, preferred_channel: 'letter' });
    const refused = await staff.get(`/api/participants/${p.id}`);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('archived_restricted');
    expect((await (await signedIn('auditor')).get(`/api/participants/${p.id}`)).status).to.equal(403);
    expect((await staff.get('/api/participants?status=archived')).status).to.equal(403);
    const finance = await signedIn('finance');
    const r = await finance.get(`/api/participants/${p.id}`);
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ lastName: p.lastName, status: 'archived' });
    const listed = await (await signedIn('dpo')).get(`/api/participants?status=archived&q=${p.reference}`);
    expect(listed.body.items.map((x: { id: string }) => x.id)).to.deep.equal([p.id]);
    const reads = (await auditOf(p.id)).filter((e) => e.action === 'participant.archived_read');
    expect(reads.map((e) => e.data.via)).to.deep.equal(['GET /api/participants/:id', 'list']);
    expect((await staff.get(`/participants/${p.id}`)).status).to.equal(403);
    // Staff do not pass the archive door, for a change either (it was a 409 participant_not_active after the read).
    expect((await staff.patch(`/api/participants/${p.id}`, { firstName: 'Autre' })).status).to.equal(403);
  });

  it('when a participant does not exist, then 404', async () => {
    const staff = await signedIn('staff');
    const r = await staff.get('/api/participants/00000000-0000-4000-8000-000000000000');
    expect(r.status).to.equal(404);
    expect(
      (await staff.patch('/api/participants/00000000-0000-4000-8000-000000000000', { firstName: 'A' })).status,
    ).to.equal(404);
  });
});
