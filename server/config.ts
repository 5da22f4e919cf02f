import path from 'node:path';

/** Validated settings read from the environment. Only this module reads `process.env`. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  publicUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  cookieSecure: boolean;
  trustProxy: boolean;
  sessionTtlHours: number;
  demoData: 'auto' | 'never';
  smtp: { host: string; port: number; secure: boolean; user: string | null; password: string | null } | null;
  mailFrom: string;
  /** Where e-mails are written as .eml files when no SMTP server is configured. */
  mailDir: string;
  /** Base64 AES-256 key; null means "use the key file beside the embedded data folder". */
  encryptionKey: string | null;
  encryptionKeyId: string;
  /** Key the keyed hashes (IBAN duplicates) derive from; stays fixed across rotations. Default: the current key. */
  encryptionHashKeyId: string | null;
  /** Older keys kept to decrypt values written before a rotation: id → base64 key. */
  encryptionOldKeys: Record<string, string>;
  /** Base64 32-byte key of the audit chain's keyed hash (HMAC); null means the key file beside the data folder. Never stored in the database. */
  auditHmacKey: string | null;
  /** Base64 32-byte Ed25519 seed that signs audit checkpoints; null means the key file beside the data folder. */
  auditSigningKey: string | null;
  /** Folder outside the database, writable by every instance, where signed audit checkpoints are written. */
  auditCheckpointDir: string;
  /** Minimum time between two signed checkpoints while events keep coming. */
  auditCheckpointEverySeconds: number;
}

/** A configuration value that cannot be used; the message is the one line printed before exiting. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
    got: string | undefined,
  ) {
    super(
      `Configuration error: ${variable} must be ${expected}${got === undefined ? '' : ` (got "${got.slice(0, 60)}")`}.`,
    );
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `an integer between ${min} and ${max}`, raw);
  }
  return Number(raw);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(name, `one of ${values.join(', ')}`, raw);
  return raw as T;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isBase64Key(value: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

/** Reads and validates the environment; throws a ConfigError naming the first wrong variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL',
      'a postgres:// or postgresql:// connection string',
      databaseUrl.replace(/:[^:@/]*@/, ':***@'),
    );
  }
  const adminEmail = env.ADMIN_EMAIL || null;
  if (adminEmail !== null && !EMAIL.test(adminEmail))
    throw new ConfigError('ADMIN_EMAIL', 'an e-mail address', adminEmail);
  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 12)
    throw new ConfigError('ADMIN_PASSWORD', 'at least 12 characters long', undefined);
  if ((adminEmail === null) !== (adminPassword === null) && adminPassword !== null) {
    throw new ConfigError('ADMIN_EMAIL', 'set when ADMIN_PASSWORD is set', undefined);
  }
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    const u = new URL(publicUrl);
    if (!['http:', 'https:'].includes(u.protocol)) throw new Error('protocol');
  } catch {
    throw new ConfigError('PUBLIC_URL', 'an http:// or https:// address', publicUrl);
  }
  const smtpHost = env.SMTP_HOST || null;
  const smtp =
    smtpHost === null
      ? null
      : {
          host: smtpHost,
          port: int(env, 'SMTP_PORT', 587, 1, 65535),
          secure: bool(env, 'SMTP_SECURE', false),
          user: env.SMTP_USER || null,
          password: env.SMTP_PASSWORD || null,
        };
  const mailFrom = env.MAIL_FROM || 'Participation <no-reply@localhost>';
  if (!/<[^\s@]+@[^\s@]+>$|^[^\s@]+@[^\s@]+$/.test(mailFrom))
    throw new ConfigError('MAIL_FROM', 'an e-mail address, optionally as "Name <address>"', mailFrom);

  const encryptionKey = env.ENCRYPTION_KEY || null;
  if (encryptionKey !== null && !isBase64Key(encryptionKey)) {
    throw new ConfigError('ENCRYPTION_KEY', '32 random bytes in base64 (openssl rand -base64 32)', undefined);
  }
  if (encryptionKey === null && databaseUrl !== null) {
    throw new ConfigError(
      'ENCRYPTION_KEY',
      'set when DATABASE_URL is set (32 random bytes in base64: openssl rand -base64 32)',
      undefined,
    );
  }
  const encryptionKeyId = env.ENCRYPTION_KEY_ID || 'k1';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(encryptionKeyId))
    throw new ConfigError('ENCRYPTION_KEY_ID', 'letters, digits, - or _ (at most 32)', encryptionKeyId);
  const encryptionOldKeys: Record<string, string> = {};
  for (const pair of (env.ENCRYPTION_OLD_KEYS || '').split(',').filter(Boolean)) {
    const [id, key] = pair.split(':');
    if (!id || !key || !isBase64Key(key))
      throw new ConfigError('ENCRYPTION_OLD_KEYS', 'a comma-separated list of id:base64key', undefined);
    encryptionOldKeys[id] = key;
  }

  const dataDir = path.resolve(env.DATA_DIR || './data');
  const encryptionHashKeyId = env.ENCRYPTION_HASH_KEY_ID || null;
  if (
    encryptionHashKeyId !== null &&
    encryptionHashKeyId !== encryptionKeyId &&
    !encryptionOldKeys[encryptionHashKeyId]
  ) {
    throw new ConfigError(
      'ENCRYPTION_HASH_KEY_ID',
      'the id of the current key or of a key in ENCRYPTION_OLD_KEYS',
      encryptionHashKeyId,
    );
  }
  const audit: Record<'auditHmacKey' | 'auditSigningKey', string | null> = {
    auditHmacKey: null,
    auditSigningKey: null,
  };
  for (const [field, name] of [
    ['auditHmacKey', 'AUDIT_HMAC_KEY'],
    ['auditSigningKey', 'AUDIT_SIGNING_KEY'],
  ] as const) {
    const value = env[name] || null;
    if (value !== null && !isBase64Key(value))
      throw new ConfigError(name, '32 random bytes in base64 (openssl rand -base64 32)', undefined);
    // Every instance must chain and sign with the same keys: no per-machine key file with a server database.
    if (value === null && databaseUrl !== null)
      throw new ConfigError(
        name,
        'set when DATABASE_URL is set (32 random bytes in base64: openssl rand -base64 32)',
        undefined,
      );
    audit[field] = value;
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl,
    adminEmail,
    adminPassword,
    publicUrl,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    cookieSecure: bool(env, 'COOKIE_SECURE', publicUrl.startsWith('https:')),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    sessionTtlHours: int(env, 'SESSION_TTL_HOURS', 10, 1, 24 * 30),
    demoData: oneOf(env, 'DEMO_DATA', ['auto', 'never'] as const, 'auto'),
    smtp,
    mailFrom,
    mailDir: path.resolve(env.MAIL_DIR || path.join(dataDir, 'mail')),
    encryptionKey,
    encryptionKeyId,
    encryptionHashKeyId,
    encryptionOldKeys,
    ...audit,
    auditCheckpointDir: path.resolve(env.AUDIT_CHECKPOINT_DIR || path.join(dataDir, 'audit-checkpoints')),
    auditCheckpointEverySeconds: int(env, 'AUDIT_CHECKPOINT_EVERY_SECONDS', 60, 1, 86_400),
  };
}
