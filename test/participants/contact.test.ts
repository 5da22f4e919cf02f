import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { channelFor, fullName } from '../../server/participants/index.js';

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('participants: how to reach a person, one rule', () => {
  it('when a person has an address and chose e-mail, then e-mail; anyone else gets a letter', () => {
    expect(channelFor({ email: 'a@example.org', preferred_channel: 'email' })).to.equal('email');
    expect(channelFor({ email: null, preferred_channel: 'email' })).to.equal('letter');
    expect(channelFor({ email: 'a@example.org', preferred_channel: 'letter' })).to.equal('letter');
    expect(channelFor({ email: 'a@example.org', preferred_channel: 'partner' })).to.equal('letter');
    expect(fullName({ first_name: 'Awa', last_name: null })).to.equal('Awa');
  });

  it('when code in server/ chooses between e-mail and letter, then it asks participants (no second copy of the rule)', () => {
    const copies = files('server').filter(
      (f) =>
        !f.endsWith(join('participants', 'contact.ts')) &&
        /preferred_channel\s*===\s*'email'/.test(readFileSync(f, 'utf8')),
    );
    expect(copies).to.deep.equal([]);
  });
});
