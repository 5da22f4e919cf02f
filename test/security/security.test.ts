import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { ROLES } from '../../server/shared/authorize.js';
import { sheetCells } from '../../server/shared/csv.js';
import { Client } from '../helpers/client.js';
import { createUser, signedIn } from '../helpers/factories.js';
import { concretePath, declaredRoutes, rowCounts } from '../helpers/routes.js';

const SERVER = new URL('../../server/', import.meta.url).pathname;
function sourceFiles(dir = SERVER): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

describe('security pass', () => {
  it('when one signs in, then the session cookie is HttpOnly, SameSite=Lax, for the whole site, and Secure behind https', async () => {
    const user = await createUser({ roles: ['staff'] });
    const res = await fetch(`${new Client().baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pbo_sid='));
    expect(cookie).to.be.a('string');
    expect(cookie)
      .to.match(/; HttpOnly/i)
      .and.match(/; SameSite=Lax/i)
      .and.match(/; Path=\//i);
    expect(loadConfig({ PUBLIC_URL: 'https://participation.example' }).cookieSecure).to.equal(true);
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).cookieSecure).to.equal(false);
  });

  it('when any page form is posted by a signed-in user without the CSRF token, then 403 and nothing is written', async () => {
    const client = await signedIn(...ROLES);
    const forms = declaredRoutes().filter((r) => r.kind === 'page' && r.method !== 'get' && !('public' in r.access));
    expect(forms.length).to.be.greaterThan(50);
    const before = await rowCounts(['web_sessions']);
    const passed: string[] = [];
    for (const r of forms) {
      const res = await client.request(r.method.toUpperCase(), concretePath(r.path), { form: { anything: 'x' } });
      if (res.status !== 403) passed.push(`${r.method.toUpperCase()} ${r.path}: ${res.status}`);
    }
    expect(passed).to.deep.equal([]);
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when a page is served, then it forbids framing, sniffing and foreign scripts, and leaks no referrer across sites', async () => {
    const client = await signedIn('staff');
    const res = await client.get('/participants');
    expect(res.status).to.equal(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp)
      .to.include("default-src 'self'")
      .and.include("script-src 'self'")
      .and.include("frame-ancestors 'none'")
      .and.include("form-action 'self'");
    expect(csp).to.not.include("'unsafe-eval'");
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(res.headers.get('x-powered-by')).to.equal(null);
  });

  it('when a spreadsheet row is written, then text that a spreadsheet would run is neutralised and numbers stay numbers', () => {
    expect(sheetCells(['=SOMME(A1)', '+33 6', '-2', '@x', 'Dupont', 12.5, null])).to.deep.equal([
      "'=SOMME(A1)",
      "'+33 6",
      "'-2",
      "'@x",
      'Dupont',
      12.5,
      null,
    ]);
  });

  it('when the code writes a CSV or a spreadsheet, then it goes through the neutralising helpers of shared/csv.ts', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles()) {
      if (file.endsWith('shared/csv.ts')) continue;
      const text = readFileSync(file, 'utf8');
      const lineOf = (at: number) => text.slice(0, at).split('\n').length;
      // exceljs rows: every addRow gets cells through sheetCells/neutraliseFormula, or only headers, numbers and
      // labels of ours. The whole call is read, whatever its layout (Prettier spreads long calls over lines).
      for (const m of text.matchAll(/\.addRow\(/g)) {
        let depth = 0;
        let end = m.index + m[0].length - 1;
        for (; end < text.length; end++) {
          if (text[end] === '(') depth++;
          else if (text[end] === ')' && --depth === 0) break;
        }
        const call = text.slice(m.index, end + 1);
        if (!/sheetCells|neutraliseFormula|xlsxText|HEADERS|addRow\(\[\]\)|centsToEuros/.test(call))
          offenders.push(`${file.slice(SERVER.length)}:${lineOf(m.index)}`);
      }
      // CSV built by hand (joining with ;) instead of csvLine/toCsv.
      text.split('\n').forEach((line, i) => {
        if (/\.join\(';'\)/.test(line)) offenders.push(`${file.slice(SERVER.length)}:${i + 1}`);
      });
    }
    expect(offenders).to.deep.equal([]);
  });
});
