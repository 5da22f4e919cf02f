import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { Client } from '../helpers/client.js';
import { createUser, signedIn, TEST_PASSWORD } from '../helpers/factories.js';
import { LOGIN_LIMITS } from '../../server/auth/rate-limit.js';

describe('signing in and out', () => {
  it('when the password is right, then a session cookie is set and /me answers with the roles', async () => {
    const user = await createUser({ roles: ['finance', 'dpo'] });
    const client = new Client();
    const r = await client.login(user.email.toUpperCase(), TEST_PASSWORD);
    expect(r.status).to.equal(200);
    expect(r.headers.get('set-cookie')).to.match(/pbo_sid=[^;]+; Max-Age=\d+; Path=\/; .*HttpOnly; SameSite=Lax/);
    const me = await client.get('/api/auth/me');
    expect(me.body.user).to.include({ id: user.id, email: user.email });
    expect(me.body.user.roles).to.have.members(['finance', 'dpo']);
    expect(me.body.via).to.equal('session');
  });

  it('when the password is wrong or the account unknown or inactive, then one generic message', async () => {
    const user = await createUser();
    const inactive = await createUser({ active: false });
    const answers = await Promise.all([
      new Client().login(user.email, 'wrong-password-1'),
      new Client().login('nobody@test.example', TEST_PASSWORD),
      new Client().login(inactive.email, TEST_PASSWORD),
    ]);
    for (const a of answers)
      expect(a.body).to.deep.equal({
        error: { code: 'invalid_credentials', message: 'Adresse e-mail ou mot de passe incorrect.', details: [] },
      });
  });

  it('when one signs in again, then the session id is renewed and the old one no longer works', async () => {
    const user = await createUser();
    const client = new Client();
    await client.login(user.email, TEST_PASSWORD);
    const first = client.cookies.get('pbo_sid');
    const old = new Client();
    old.cookies.set('pbo_sid', first!);
    await client.login(user.email, TEST_PASSWORD);
    expect(client.cookies.get('pbo_sid')).to.not.equal(first);
    expect((await old.get('/api/auth/me')).status).to.equal(401);
    expect((await client.get('/api/auth/me')).status).to.equal(200);
  });

  it('when one signs out, then the session is gone from the database', async () => {
    const client = await signedIn('staff');
    const before = await ctx().deps.db('web_sessions').where({ user_id: client.user.id }).count({ n: '*' });
    expect(Number(before[0].n)).to.equal(1);
    expect((await client.post('/api/auth/logout')).status).to.equal(204);
    expect((await client.get('/api/auth/me')).status).to.equal(401);
    const after = await ctx().deps.db('web_sessions').where({ user_id: client.user.id }).count({ n: '*' });
    expect(Number(after[0].n)).to.equal(0);
  });

  it(`when an account fails ${LOGIN_LIMITS.perAccountAndAddress.failures} times from one address, then even the right password from that address is refused for a while (429)`, async function () {
    this.timeout(90_000); // ten argon2 checks on a busy machine
    const user = await createUser();
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress.failures; i++)
      expect((await new Client().login(user.email, `wrong-${i}-password`)).status).to.equal(401);
    const blocked = await new Client().login(user.email, TEST_PASSWORD);
    expect(blocked.status).to.equal(429);
    expect(blocked.body.error.code).to.equal('too_many_attempts');
    ctx().clock.now = new Date(Date.now() + (LOGIN_LIMITS.perAccountAndAddress.windowMinutes + 1) * 60_000);
    try {
      expect((await new Client().login(user.email, TEST_PASSWORD)).status).to.equal(200);
    } finally {
      ctx().clock.now = null;
    }
  });

  it('when the attempts are counted, then the table holds keyed hashes, not e-mail addresses', async () => {
    const rows = await ctx().deps.db('login_attempts').select('key');
    for (const { key } of rows) expect(key).to.match(/^(acct|addr|pair):[0-9a-f]{64}$/);
  });

  it('when I change my password, then the old one stops working and my other sessions close', async function () {
    this.timeout(60_000); // seven argon2 checks and the password-strength dictionaries on a busy machine
    const user = await createUser();
    const a = new Client();
    const b = new Client();
    await a.login(user.email, TEST_PASSWORD);
    await b.login(user.email, TEST_PASSWORD);
    const wrong = await a.post('/api/auth/password', {
      currentPassword: 'nope-nope-nope',
      newPassword: 'Un-Nouveau-Mot-2026',
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.details[0].field).to.equal('currentPassword');
    const short = await a.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'court' });
    expect(short.body.error.details[0].field).to.equal('newPassword');
    expect(
      (await a.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'Un-Nouveau-Mot-2026' }))
        .status,
    ).to.equal(204);
    expect((await a.get('/api/auth/me')).status).to.equal(200);
    expect((await b.get('/api/auth/me')).status).to.equal(401);
    expect((await new Client().login(user.email, TEST_PASSWORD)).status).to.equal(401);
    expect((await new Client().login(user.email, 'Un-Nouveau-Mot-2026')).status).to.equal(200);
  });
});

describe('CSRF protection', () => {
  it('when a form is posted without the token, then 403 and nothing changes', async () => {
    const client = await signedIn('staff');
    const r = await client.request('POST', '/logout', { form: {} });
    expect(r.status).to.equal(403);
    expect((await client.get('/api/auth/me')).status).to.equal(200);
  });

  it('when a form carries the session token, then it goes through', async () => {
    const client = await signedIn('staff');
    const r = await client.postForm('/logout', {});
    expect(r.status).to.equal(303);
    expect((await client.get('/api/auth/me')).status).to.equal(401);
  });

  it('when a cookie-authenticated API call is not JSON and has no token header, then 403', async () => {
    const client = await signedIn('staff');
    const r = await client.request('POST', '/api/auth/logout', {
      raw: 'x=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(r.status).to.equal(403);
    expect(r.body.error.code).to.equal('csrf_failed');
    const withHeader = await client.request('POST', '/api/auth/logout', {
      headers: { 'x-csrf-token': client.csrfToken! },
    });
    expect(withHeader.status).to.equal(204);
  });

  it('when the login form is posted without the pre-session token, then 403', async () => {
    const user = await createUser();
    const r = await new Client().request('POST', '/login', { form: { email: user.email, password: TEST_PASSWORD } });
    expect(r.status).to.equal(403);
  });

  it('when the login form is posted like a browser, then the session opens', async () => {
    const user = await createUser();
    const client = new Client();
    const form = await client.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const r = await client.request('POST', '/login', {
      form: { _csrf: token, email: user.email, password: TEST_PASSWORD, next: '/admin' },
    });
    expect(r.status).to.equal(303);
    expect(r.headers.get('location')).to.equal('/admin');
    expect((await client.get('/api/auth/me')).status).to.equal(200);
  });

  it('when the login form names an outside address to go next, then it goes home instead', async () => {
    const user = await createUser();
    const client = new Client();
    const token = /name="_csrf" value="([^"]+)"/.exec((await client.get('/login')).text)![1];
    const r = await client.request('POST', '/login', {
      form: { _csrf: token, email: user.email, password: TEST_PASSWORD, next: '//evil.example/x' },
    });
    expect(r.headers.get('location')).to.equal('/');
  });
});

describe('API tokens', () => {
  it('when I create a token with some of my roles, then it is shown once, stored hashed, and acts with those roles only', async () => {
    const client = await signedIn('admin', 'finance');
    const r = await client.post('/api/tokens', { name: 'Export finances', roles: ['finance'] });
    expect(r.status).to.equal(201);
    const secret: string = r.body.token;
    expect(secret).to.match(/^pbo_/);
    const stored = await ctx().deps.db('api_tokens').where({ id: r.body.item.id }).first();
    expect(stored.token_hash).to.not.equal(secret);
    expect(JSON.stringify(stored)).to.not.include(secret);
    const asToken = Client.withToken(secret);
    const me = await asToken.get('/api/auth/me');
    expect(me.body.user.roles).to.deep.equal(['finance']);
    expect(me.body.via).to.equal('token');
    expect((await asToken.get('/api/settings')).status).to.equal(403); // admin not carried
    const listed = await client.get('/api/tokens');
    expect(JSON.stringify(listed.body)).to.not.include(secret);
  });

  it('when I ask for a role I do not have, then 400 names roles', async () => {
    const client = await signedIn('staff');
    const r = await client.post('/api/tokens', { name: 'Trop', roles: ['admin'] });
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0].field).to.equal('roles');
  });

  it('when a token is revoked, then it answers 401 and revoking again is the same 200', async () => {
    const client = await signedIn('staff');
    const created = await client.post('/api/tokens', { name: 'Temporaire', roles: ['staff'] });
    const asToken = Client.withToken(created.body.token);
    expect((await asToken.get('/api/auth/me')).status).to.equal(200);
    const revoked = await client.post(`/api/tokens/${created.body.item.id}/revoke`);
    expect(revoked.status).to.equal(200);
    expect((await asToken.get('/api/auth/me')).status).to.equal(401);
    const again = await client.post(`/api/tokens/${created.body.item.id}/revoke`);
    expect(again.body).to.deep.equal(revoked.body);
  });

  it('when a token tries to create a token, then 403', async () => {
    const client = await signedIn('staff');
    const created = await client.post('/api/tokens', { name: 'Robot', roles: ['staff'] });
    const r = await Client.withToken(created.body.token).post('/api/tokens', { name: 'Fils', roles: ['staff'] });
    expect(r.status).to.equal(403);
  });

  it('when its creator loses a role, then the token loses it too', async () => {
    const admin = await signedIn('admin');
    const client = await signedIn('staff', 'finance');
    const created = await client.post('/api/tokens', { name: 'Deux rôles', roles: ['staff', 'finance'] });
    await admin.patch(`/api/users/${client.user.id}`, { roles: ['staff'] });
    const me = await Client.withToken(created.body.token).get('/api/auth/me');
    expect(me.body.user.roles).to.deep.equal(['staff']);
  });

  it('when the token is someone else’s, then I cannot revoke it (404)', async () => {
    const owner = await signedIn('staff');
    const other = await signedIn('staff');
    const created = await owner.post('/api/tokens', { name: 'À moi', roles: ['staff'] });
    expect((await other.post(`/api/tokens/${created.body.item.id}/revoke`)).status).to.equal(404);
  });
});
