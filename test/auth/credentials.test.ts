import { expect } from 'chai';
import type { Server } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../../server/app.js';
import { LOGIN_LIMITS } from '../../server/auth/rate-limit.js';
import { passwordWeakness } from '../../server/auth/password-strength.js';
import { OPEN_DURING_PASSWORD_CHANGE } from '../../server/auth/password-change-gate.js';
import { DEMO_PASSWORD } from '../../server/demo/load-demo.js';
import { ctx } from '../helpers/context.js';
import { Client } from '../helpers/client.js';
import { createParticipant, createUser, signedIn, TEST_PASSWORD, uniqueEmail } from '../helpers/factories.js';
import { freshIban } from '../payees/ibans.js';
import { concretePath, declaredRoutes, rowCounts } from '../helpers/routes.js';

const NEW_PASSWORD = 'Lanterne-Bleue-Vallée-42';

async function tokenOf(client: Client, name = 'Robot'): Promise<string> {
  const r = await client.post('/api/tokens', { name, roles: ['staff'] });
  expect(r.status, r.text).to.equal(201);
  return r.body.token;
}

describe('credentials end when the password changes', function () {
  this.timeout(90_000); // several argon2 checks each, on busy machines
  it('when the owner changes their password, then their API token answers 401, their other session is signed out and this one stays', async () => {
    const user = await createUser();
    const here = new Client();
    const elsewhere = new Client();
    await here.login(user.email, TEST_PASSWORD);
    await elsewhere.login(user.email, TEST_PASSWORD);
    const token = await tokenOf(here);
    expect((await Client.withToken(token).get('/api/auth/me')).status).to.equal(200);

    const r = await here.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(r.status).to.equal(204);

    expect((await Client.withToken(token).get('/api/auth/me')).status).to.equal(401);
    expect((await elsewhere.get('/api/auth/me')).status).to.equal(401);
    expect((await here.get('/api/auth/me')).status).to.equal(200);
    const rows = await ctx().deps.db('api_tokens').where({ user_id: user.id }).select('revoked_at');
    expect(rows.every((t) => t.revoked_at !== null)).to.equal(true);
    const event = await ctx()
      .deps.db('audit_events')
      .where({ record_id: user.id, action: 'user.password_changed' })
      .first('data');
    expect(event.data).to.deep.equal({ tokensRevoked: 1, sessionsClosed: 1 });
  });

  it('when the password is changed from the account page, then the token is revoked too and the page says so', async () => {
    const user = await createUser();
    const client = new Client();
    await client.login(user.email, TEST_PASSWORD);
    const token = await tokenOf(client);
    const r = await client.postForm('/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(r.status).to.equal(303);
    expect((await Client.withToken(token).get('/api/auth/me')).status).to.equal(401);
    expect((await client.get('/account')).text).to.include('vos jetons d’API révoqués');
  });

  it('when an admin resets the password, then the token answers 401 and every session is signed out', async () => {
    const admin = await signedIn('admin');
    const person = await signedIn('staff');
    const token = await tokenOf(person);
    const r = await admin.post(`/api/users/${person.user.id}/reset-password`);
    expect(r.status).to.equal(200);
    expect((await Client.withToken(token).get('/api/auth/me')).status).to.equal(401);
    expect((await person.get('/api/auth/me')).status).to.equal(401);
    const event = await ctx()
      .deps.db('audit_events')
      .where({ record_id: person.user.id, action: 'user.password_reset' })
      .first('data');
    expect(event.data).to.deep.equal({ tokensRevoked: 1, sessionsClosed: 1 });
  });

  it('when the code is searched, then only auth/repo.ts replacePassword changes a password hash', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && file !== path.join('server', 'auth', 'repo.ts')) {
          // An update that sets password_hash (inserts of new accounts are not changes).
          const text = fs.readFileSync(file, 'utf8');
          if (/\.update\(\{[^}]*password_hash/.test(text) || /UPDATE\s+users\s+SET[^;]*password_hash/i.test(text))
            offenders.push(file);
        }
      }
    };
    walk('server');
    expect(offenders).to.deep.equal([]);
  });
});

describe('a password that must be changed opens nothing else', function () {
  this.timeout(300_000);

  it('when a new finance account signs in with its temporary password, then it cannot reveal an IBAN nor create a token until it changes it', async () => {
    const admin = await signedIn('admin', 'finance', 'staff');
    const participant = await createParticipant();
    const payee = await admin.post(`/api/participants/${participant.id}/payees`, {
      kind: 'participant',
      iban: freshIban(),
    });
    expect(payee.status, payee.text).to.equal(201);
    const created = await admin.post('/api/users', {
      email: uniqueEmail('temp'),
      name: 'Nadia Temporaire',
      roles: ['finance', 'staff'],
    });
    const person = new Client();
    expect(
      (await person.login(created.body.user.email, created.body.temporaryPassword)).body.user.mustChangePassword,
    ).to.equal(true);

    const reveal = await person.post(`/api/payees/${payee.body.payee.id}/reveal-iban`);
    expect(reveal.status).to.equal(403);
    expect(reveal.body.error.code).to.equal('password_change_required');
    expect((await person.post('/api/tokens', { name: 'Avant', roles: ['staff'] })).body.error.code).to.equal(
      'password_change_required',
    );
    const page = await person.postForm(`/participants/${participant.id}/payees/${payee.body.payee.id}/reveal-iban`, {});
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal('/account?must=1');
    const account = await person.get('/account');
    expect(account.status).to.equal(200);
    expect(account.text).to.include('choisissez-en un nouveau').and.not.include('/account/tokens');
    expect(await ctx().deps.db('api_tokens').where({ user_id: created.body.user.id }).first()).to.equal(undefined);
    expect(
      await ctx()
        .deps.db('audit_events')
        .where({ action: 'payee.iban_revealed', actor_user_id: created.body.user.id })
        .first(),
    ).to.equal(undefined);

    const changed = await person.post('/api/auth/password', {
      currentPassword: created.body.temporaryPassword,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.status).to.equal(204);
    expect((await person.post(`/api/payees/${payee.body.payee.id}/reveal-iban`)).status).to.equal(200);
    expect((await person.post('/api/tokens', { name: 'Après', roles: ['staff'] })).status).to.equal(201);
  });

  it('when every mounted route is called by an account whose password must be changed, then each one outside the allow-list is refused and nothing is written', async () => {
    const routes = declaredRoutes();
    const declared = new Set(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    for (const open of OPEN_DURING_PASSWORD_CHANGE) expect(declared.has(open), `${open} is not a route`).to.equal(true);

    const user = await createUser({ roles: ['admin', 'staff', 'project_lead', 'finance', 'dpo', 'auditor'] });
    const session = new Client();
    await session.login(user.email, TEST_PASSWORD);
    const token = Client.withToken(await tokenOf(session));
    await ctx().deps.db('users').where({ id: user.id }).update({ must_change_password: true });

    const before = await rowCounts();
    let checked = 0;
    for (const r of routes) {
      const route = `${r.method.toUpperCase()} ${r.path}`;
      if (OPEN_DURING_PASSWORD_CHANGE.includes(route)) continue;
      const url = concretePath(r.path);
      const body = r.method === 'get' ? {} : r.kind === 'page' ? { form: { _csrf: session.csrfToken! } } : { json: {} };
      const bySession = await session.request(r.method.toUpperCase(), url, body);
      if (url.startsWith('/api/')) {
        expect(bySession.status, route).to.equal(403);
        expect(bySession.body.error.code, route).to.equal('password_change_required');
        const byToken = await token.request(r.method.toUpperCase(), url, r.method === 'get' ? {} : { json: {} });
        expect(byToken.status, `${route} (token)`).to.equal(403);
        expect(byToken.body.error.code, `${route} (token)`).to.equal('password_change_required');
      } else {
        expect(bySession.status, route).to.equal(303);
        expect(bySession.headers.get('location'), route).to.equal('/account?must=1');
      }
      checked++;
    }
    expect(checked).to.be.greaterThan(100);
    expect(await rowCounts()).to.deep.equal(before);
    // Still signed in: the change itself remains open.
    expect((await session.get('/account')).status).to.equal(200);
  });
});

describe('a lock does not refuse the right password from a new address', function () {
  this.timeout(120_000);
  let server: Server;
  let baseUrl: string;

  before(async () => {
    // The same app behind a reverse proxy: the client address comes from X-Forwarded-For.
    const deps = ctx().deps;
    const app = createApp({ ...deps, config: { ...deps.config, trustProxy: true } });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const loginFrom = (ip: string, email: string, password: string) =>
    new Client(baseUrl).request('POST', '/api/auth/login', {
      json: { email, password },
      headers: { 'x-forwarded-for': ip },
    });

  it(`when one address fails ${LOGIN_LIMITS.perAccountAndAddress.failures} times, then the right password from another address signs in and the first address stays throttled`, async () => {
    const user = await createUser();
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress.failures; i++) {
      expect((await loginFrom('198.51.100.10', user.email, `wrong-${i}-password`)).status).to.equal(401);
    }
    expect((await loginFrom('198.51.100.10', user.email, TEST_PASSWORD)).status).to.equal(429);
    expect((await loginFrom('203.0.113.20', user.email, TEST_PASSWORD)).status).to.equal(200);
    const still = await loginFrom('198.51.100.10', user.email, TEST_PASSWORD);
    expect(still.status).to.equal(429);
    expect(still.body.error.code).to.equal('too_many_attempts');
  });

  it('when an account is attacked from many addresses, then an address that failed on it is refused at once but a new address with the right password signs in', async () => {
    const user = await createUser();
    const { keyring } = ctx().deps;
    // The failures of a distributed attack, as the counter holds them.
    await ctx()
      .deps.db('login_attempts')
      .insert({
        key: `acct:${keyring.keyedHash(user.email.toLowerCase())}`,
        window_start: new Date(),
        failures: LOGIN_LIMITS.perAccount.failures,
      });
    expect((await loginFrom('192.0.2.30', user.email, 'wrong-once-password')).status).to.equal(401);
    expect((await loginFrom('192.0.2.30', user.email, TEST_PASSWORD)).status).to.equal(429);
    expect((await loginFrom('192.0.2.31', user.email, TEST_PASSWORD)).status).to.equal(200);
  });
});

describe('passwords that are easy to guess are refused', function () {
  this.timeout(90_000);
  it('when the new password is common, then 400 names newPassword with the reason in French, and the old one still works', async () => {
    const client = await signedIn('staff');
    for (const weak of ['Azerty123456', 'motdepasse123', 'password1234!']) {
      const r = await client.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: weak });
      expect(r.status, weak).to.equal(400);
      expect(r.body.error.code).to.equal('validation_failed');
      expect(r.body.error.details[0].field).to.equal('newPassword');
      expect(r.body.error.details[0].message).to.match(/^le nouveau mot de passe est trop facile à deviner : /);
    }
    expect((await new Client().login(client.user.email, TEST_PASSWORD)).status).to.equal(200);
  });

  it('when the new password is built on my own name or e-mail, then it is refused', async () => {
    const user = await createUser({ name: 'Gwendoline Kerhervé', email: uniqueEmail('gwendoline.kerherve') });
    const client = new Client();
    await client.login(user.email, TEST_PASSWORD);
    for (const mine of ['Gwendoline-Kerhervé', 'Kerhervé2026!', 'gwendoline.kerherve']) {
      const r = await client.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: mine });
      expect(r.status, mine).to.equal(400);
      expect(r.body.error.details[0].field).to.equal('newPassword');
    }
    // Someone else may use them: it is the person's own words that make them guessable.
    expect(passwordWeakness('Kerhervé2026!')).to.equal(null);
    expect(passwordWeakness('Gwendoline-Kerhervé')).to.equal(null);
  });

  it('when the account page gets a common password, then the form says which field and why, in French', async () => {
    const client = await signedIn('staff');
    const r = await client.postForm('/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'Azerty123456',
      confirmPassword: 'Azerty123456',
    });
    expect(r.status).to.equal(400);
    expect(r.text).to.include('le nouveau mot de passe est trop facile à deviner');
  });

  it('when an admin gives a new account a common password, then 400 names password and no account is created', async () => {
    const admin = await signedIn('admin');
    const email = uniqueEmail('weak');
    const r = await admin.post('/api/users', {
      email,
      name: 'Paul Faible',
      roles: ['staff'],
      password: 'Motdepasse2026',
    });
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0].field).to.equal('password');
    expect(await ctx().deps.db('users').where({ email }).first()).to.equal(undefined);
  });

  it('when the demo, test and example passwords are checked, then each one passes (seeds, tests and scripts keep working)', () => {
    for (const p of [DEMO_PASSWORD, TEST_PASSWORD, NEW_PASSWORD, 'Un-Nouveau-Mot-2026'])
      expect(passwordWeakness(p), p).to.equal(null);
  });

  it('when a password is 1024 characters long, then it is judged in bounded time (no CPU exhaustion from the estimator)', () => {
    const long = Array.from({ length: 1024 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('');
    passwordWeakness('warm-up-the-dictionaries');
    const started = Date.now();
    passwordWeakness(long);
    passwordWeakness(`${'Lanterne-Bleue-'.repeat(60)}42`);
    expect(Date.now() - started).to.be.lessThan(5_000); // 20 s with the library defaults
  });
});
