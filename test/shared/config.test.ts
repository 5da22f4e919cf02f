import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.js';

const KEY = Buffer.alloc(32, 1).toString('base64');

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('when nothing is set, then the defaults run on the embedded database', () => {
    const c = loadConfig({});
    expect(c.port).to.equal(3000);
    expect(c.databaseUrl).to.equal(null);
    expect(c.dataDir).to.match(/data$/);
    expect(c.publicUrl).to.equal('http://localhost:3000');
    expect(c.cookieSecure).to.equal(false);
  });

  it('when PORT is not a number, then one line names PORT and what is expected', () => {
    const message = errorOf({ PORT: 'abc' });
    expect(message).to.equal('Configuration error: PORT must be an integer between 0 and 65535 (got "abc").');
    expect(message).not.to.include('\n');
  });

  it('when DATABASE_URL is set without an encryption key, then ENCRYPTION_KEY is named', () => {
    expect(errorOf({ DATABASE_URL: 'postgres://x@localhost/db' })).to.include('ENCRYPTION_KEY');
  });

  it('when DATABASE_URL is not a postgres URL, then it is refused without echoing a password', () => {
    const message = errorOf({ DATABASE_URL: 'mysql://u:secret@h/db', ENCRYPTION_KEY: KEY });
    expect(message).to.include('DATABASE_URL');
    expect(message).not.to.include('secret');
  });

  for (const [name, value] of [
    ['ENCRYPTION_KEY', 'short'],
    ['ADMIN_EMAIL', 'not-an-email'],
    ['ADMIN_PASSWORD', 'short'],
    ['LOG_LEVEL', 'loud'],
    ['SMTP_PORT', '99999'],
    ['PUBLIC_URL', 'ftp://x'],
    ['COOKIE_SECURE', 'maybe'],
  ] as const) {
    it(`when ${name} is wrong, then the error names ${name}`, () => {
      const env: Record<string, string> = { [name]: value };
      if (name === 'SMTP_PORT') env.SMTP_HOST = 'localhost';
      if (name === 'ADMIN_PASSWORD') env.ADMIN_EMAIL = 'a@b.fr';
      expect(errorOf(env)).to.match(new RegExp(`^Configuration error: ${name} must be`));
    });
  }

  it('when the public URL is https, then cookies are secure by default', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://participation.example.fr' }).cookieSecure).to.equal(true);
  });
});

describe('encryption key rotation', () => {
  it('when the key rotates with ENCRYPTION_HASH_KEY_ID kept on the old key, then old values decrypt and keyed hashes do not change', async () => {
    const { keyringFromConfig } = await import('../../server/shared/crypto.js');
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const before = keyringFromConfig(loadConfig({ ENCRYPTION_KEY: k1, ENCRYPTION_KEY_ID: 'k1' }));
    const stored = before.encrypt('FR7630006000011234567890189');
    const after = keyringFromConfig(
      loadConfig({
        ENCRYPTION_KEY: k2,
        ENCRYPTION_KEY_ID: 'k2',
        ENCRYPTION_OLD_KEYS: `k1:${k1}`,
        ENCRYPTION_HASH_KEY_ID: 'k1',
      }),
    );
    expect(after.decrypt(stored.ciphertext, stored.keyId)).to.equal('FR7630006000011234567890189');
    expect(after.encrypt('x').keyId).to.equal('k2');
    expect(after.keyedHash('FR76')).to.equal(before.keyedHash('FR76'));
    expect(() => loadConfig({ ENCRYPTION_KEY: k2, ENCRYPTION_HASH_KEY_ID: 'k9' })).to.throw(
      ConfigError,
      /ENCRYPTION_HASH_KEY_ID/,
    );
  });
});
