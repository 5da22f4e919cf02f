import { expect } from 'chai';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inlineErrorCodes } from '../../scripts/architecture/scan.js';
import { describeEntry, describeError, type Catalogue, type ErrorDescription } from '../../server/shared/errors.js';
import { declaredRoutes } from '../helpers/routes.js';

const SERVER = join(import.meta.dirname, '../../server');

/** Every catalogue: `server/shared/errors.ts` and each capability's `errors.ts`, by owner. */
async function catalogues(): Promise<Map<string, Catalogue>> {
  const found = new Map<string, Catalogue>();
  const owners = readdirSync(SERVER, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  for (const owner of owners) {
    const file = join(SERVER, owner, 'errors.ts');
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const exported = Object.entries(mod).filter(([name]) => /^[A-Z_]*ERRORS$/.test(name));
    expect(exported, `${owner}/errors.ts exports one catalogue (…_ERRORS)`).to.have.length(1);
    found.set(owner, exported[0][1] as Catalogue);
  }
  return found;
}

async function everyEntry(): Promise<ErrorDescription[]> {
  const all: ErrorDescription[] = [];
  for (const [owner, catalogue] of await catalogues()) {
    for (const [key, entry] of Object.entries(catalogue)) all.push(describeEntry(key, owner, entry));
  }
  return all;
}

describe('architecture: one error catalogue', () => {
  it('when the server is scanned, then no error code is made inline: each comes from a catalogue (errors.ts)', function () {
    this.timeout(120_000);
    const inline = inlineErrorCodes().map((e) => `${e.code} at ${e.file}:${e.line}`);
    expect(inline).to.deep.equal([]);
  });

  it('when the catalogues are read, then each key is in one catalogue, with a 4xx/5xx status and a French message', async () => {
    const all = await everyEntry();
    expect(all.length).to.be.greaterThan(100);
    const owners = new Map<string, string[]>();
    for (const e of all) owners.set(e.key, [...(owners.get(e.key) ?? []), e.owner]);
    expect(
      [...owners].filter(([, o]) => o.length > 1).map(([k, o]) => `${k}: ${o.join(', ')}`),
      'keys in several catalogues',
    ).to.deep.equal([]);
    for (const e of all) {
      expect(e.status, e.key).to.be.within(400, 599);
      expect(e.message.trim(), e.key).to.not.equal('');
      expect(e.message, `${e.key}: a message built from data takes its arguments by name`).to.not.equal(
        '(message built from data)',
      );
      expect(e.code, e.key).to.match(/^[a-z][a-z0-9_]*$/);
      // Registered under its own key (a key another module registered would have thrown at load).
      expect(describeError(e.key)?.owner, e.key).to.equal(e.owner);
    }
  });

  it('when one wire code answers several situations, then they share its status', async () => {
    const byCode = new Map<string, Set<number>>();
    for (const e of await everyEntry()) byCode.set(e.code, (byCode.get(e.code) ?? new Set()).add(e.status));
    expect([...byCode].filter(([, s]) => s.size > 1).map(([c, s]) => `${c}: ${[...s].join(', ')}`)).to.deep.equal([]);
  });

  it('when a route declares the errors it answers, then each is in a catalogue', async () => {
    const keys = new Set((await everyEntry()).map((e) => e.key));
    const unknown = declaredRoutes().flatMap((r) =>
      (r.errors ?? []).filter((k) => !keys.has(k)).map((k) => `${r.method.toUpperCase()} ${r.path}: ${k}`),
    );
    expect(unknown).to.deep.equal([]);
  });
});
