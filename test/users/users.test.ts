import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { Client } from '../helpers/client.js';
import { signedIn, uniqueEmail, createUser, TEST_PASSWORD } from '../helpers/factories.js';

async function auditActions(recordId: string): Promise<string[]> {
  const rows = await ctx().deps.db('audit_events').where({ record_id: recordId }).orderBy('id').select('action');
  return rows.map((r) => r.action);
}

describe('staff accounts (admin)', () => {
  it('when an admin creates an account without a password, then one is generated, shown once, and must be changed', async () => {
    const admin = await signedIn('admin');
    const email = uniqueEmail('new');
    const r = await admin.post('/api/users', { email, name: 'Inès Moreau', roles: ['staff', 'project_lead'] });
    expect(r.status).to.equal(201);
    expect(r.body.user).to.include({ email, name: 'Inès Moreau', active: true, mustChangePassword: true });
    expect(r.body.temporaryPassword).to.have.length(20);
    expect(r.body.user).to.not.have.property('passwordHash');
    const login = await new Client().login(email, r.body.temporaryPassword);
    expect(login.body.user.mustChangePassword).to.equal(true);
    expect(await auditActions(r.body.user.id)).to.include('user.created');
    const event = await ctx()
      .deps.db('audit_events')
      .where({ record_id: r.body.user.id, action: 'user.created' })
      .first();
    expect(JSON.stringify(event)).to.not.include(email).and.not.include('Inès');
  });

  it('when the e-mail is already used (any case), then 409 email_taken and nothing is created', async () => {
    const admin = await signedIn('admin');
    const existing = await createUser();
    const r = await admin.post('/api/users', {
      email: existing.email.toUpperCase(),
      name: 'Doublon',
      roles: ['staff'],
    });
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('email_taken');
  });

  it('when the input is wrong, then 400 names each field', async () => {
    const admin = await signedIn('admin');
    const r = await admin.post('/api/users', { email: 'pas-un-email', name: '', roles: ['chef'] });
    expect(r.status).to.equal(400);
    const fields = r.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).to.include.members(['email', 'name', 'roles.0']);
  });

  it('when an account is deactivated, then its sessions close and it cannot sign in; reactivated, it can', async () => {
    const admin = await signedIn('admin');
    const person = await signedIn('staff');
    const r = await admin.patch(`/api/users/${person.user.id}`, { active: false });
    expect(r.status).to.equal(200);
    expect(r.body.active).to.equal(false);
    expect((await person.get('/api/auth/me')).status).to.equal(401);
    expect((await new Client().login(person.user.email, TEST_PASSWORD)).status).to.equal(401);
    await admin.patch(`/api/users/${person.user.id}`, { active: true });
    expect((await new Client().login(person.user.email, TEST_PASSWORD)).status).to.equal(200);
    expect(await auditActions(person.user.id)).to.include.members(['user.deactivated', 'user.reactivated']);
  });

  it('when the last active admin would lose the role, then 409 last_admin', async () => {
    const db = ctx().deps.db;
    const admins = await db('users').where('active', true).whereRaw("'admin' = ANY(roles)").select('id');
    const admin = await signedIn('admin');
    // Leave exactly one active admin: the one signed in.
    await db('users')
      .whereIn(
        'id',
        admins.map((a) => a.id),
      )
      .update({ active: false });
    try {
      const r = await admin.patch(`/api/users/${admin.user.id}`, { roles: ['staff'] });
      expect(r.status).to.equal(409);
      expect(r.body.error.code).to.equal('last_admin');
      expect((await admin.patch(`/api/users/${admin.user.id}`, { active: false })).status).to.equal(409);
    } finally {
      await db('users')
        .whereIn(
          'id',
          admins.map((a) => a.id),
        )
        .update({ active: true });
    }
  });

  it('when a password is reset, then a new one is shown once and the old one stops working', async () => {
    const admin = await signedIn('admin');
    const person = await createUser();
    const r = await admin.post(`/api/users/${person.id}/reset-password`);
    expect(r.status).to.equal(200);
    expect((await new Client().login(person.email, TEST_PASSWORD)).status).to.equal(401);
    expect((await new Client().login(person.email, r.body.temporaryPassword)).status).to.equal(200);
  });

  it('when accounts are listed, then search, filter, sort and cursor pages work', async () => {
    const admin = await signedIn('admin');
    const tag = `zz${Date.now()}`;
    for (const n of ['Alice', 'Bruno', 'Chloé']) await createUser({ name: `${n} ${tag}`, roles: ['auditor'] });
    const first = await admin.get(`/api/users?q=${tag}&limit=2&sort=name`);
    expect(first.body.items.map((u: { name: string }) => u.name)).to.deep.equal([`Alice ${tag}`, `Bruno ${tag}`]);
    expect(first.body.nextCursor).to.be.a('string');
    const second = await admin.get(`/api/users?q=${tag}&limit=2&sort=name&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((u: { name: string }) => u.name)).to.deep.equal([`Chloé ${tag}`]);
    expect(second.body.nextCursor).to.equal(null);
    const desc = await admin.get(`/api/users?q=${tag}&sort=-name&role=auditor`);
    expect(desc.body.items[0].name).to.equal(`Chloé ${tag}`);
    expect((await admin.get('/api/users?sort=password')).status).to.equal(400);
    expect((await admin.get('/api/users?limit=500')).status).to.equal(400);
    expect((await admin.get('/api/users?cursor=garbage')).status).to.equal(400);
  });

  it('when an admin uses the pages, then accounts are created and edited from forms', async () => {
    const admin = await signedIn('admin');
    const email = uniqueEmail('form');
    const bad = await admin.postForm('/admin/users', { email: 'x', name: '', roles: [] });
    expect(bad.status).to.equal(400);
    expect(bad.text)
      .to.include('Le formulaire contient des erreurs')
      .and.include('doit être une adresse e-mail valide');
    const created = await admin.postForm('/admin/users', { email, name: 'Paul Girard', roles: ['staff'] });
    expect(created.status).to.equal(201);
    expect(created.text).to.match(/id="temporary-password">[A-Za-z0-9]{20}</);
    const row = await ctx().deps.db('users').where({ email }).first();
    const saved = await admin.postForm(`/admin/users/${row.id}`, {
      name: 'Paul Girard-Martin',
      roles: ['staff', 'finance'],
    });
    expect(saved.status).to.equal(303);
    const after = await ctx().deps.db('users').where({ email }).first();
    expect(after.name).to.equal('Paul Girard-Martin');
    expect(after.roles).to.have.members(['staff', 'finance']);
    const list = await admin.get('/admin/users?q=Girard');
    expect(list.text).to.include('Paul Girard-Martin');
  });
});

describe('staff accounts list filters', () => {
  it('when the filter form is sent with empty fields, then they mean no filter (not a 400)', async () => {
    const admin = await signedIn('admin');
    const r = await admin.get('/admin/users?q=&role=&active=&sort=name');
    expect(r.status).to.equal(200);
    expect((await admin.get('/api/users?role=&active=')).status).to.equal(200);
  });
});
