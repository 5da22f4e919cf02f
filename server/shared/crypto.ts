import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * AES-256-GCM encryption of sensitive values (IBAN) with a key id stored beside each value,
 * so that keys can rotate: new values use the current key, old ones still decrypt with
 * theirs. Also a keyed hash (HMAC-SHA256) to compare values without decrypting them.
 */
export interface Keyring {
  currentId: string;
  encrypt(plaintext: string): { ciphertext: string; keyId: string };
  decrypt(ciphertext: string, keyId: string): string;
  /** Keyed hash of a normalised value: equal inputs give equal hashes, nothing else can be learnt. */
  keyedHash(value: string): string;
}

/**
 * `hashKeyId` names the key the keyed hash derives from. It must not change when the
 * encryption key rotates (hashes already stored would stop matching): keep the old key in
 * ENCRYPTION_OLD_KEYS and set ENCRYPTION_HASH_KEY_ID to its id.
 */
export function createKeyring(currentId: string, keys: Record<string, Buffer>, hashKeyId = currentId): Keyring {
  const current = keys[currentId];
  if (!current || current.length !== 32) throw new Error('the current encryption key must be 32 bytes');
  const hashBase = keys[hashKeyId];
  if (!hashBase || hashBase.length !== 32) throw new Error(`no 32-byte key with id ${hashKeyId} for the keyed hash`);
  const hmacKey = Buffer.from(hkdfSync('sha256', hashBase, Buffer.alloc(0), 'participation keyed hash', 32));
  return {
    currentId,
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'), keyId: currentId };
    },
    decrypt(ciphertext, keyId) {
      const key = keys[keyId];
      if (!key) throw new Error(`no encryption key with id ${keyId}`);
      const raw = Buffer.from(ciphertext, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    keyedHash(value) {
      return createHmac('sha256', hmacKey).update(value, 'utf8').digest('hex');
    },
  };
}

/** The key file beside an embedded data folder (`./data` → `./data.key`), created on first use, mode 0600. */
export function keyFilePath(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.key`);
}

export function loadOrCreateKeyFile(file: string): string {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export function keyringFromConfig(config: {
  encryptionKey: string | null;
  encryptionKeyId: string;
  encryptionHashKeyId: string | null;
  encryptionOldKeys: Record<string, string>;
  dataDir: string;
}): Keyring {
  const currentB64 = config.encryptionKey ?? loadOrCreateKeyFile(keyFilePath(config.dataDir));
  const keys: Record<string, Buffer> = {};
  for (const [id, b64] of Object.entries(config.encryptionOldKeys)) keys[id] = Buffer.from(b64, 'base64');
  keys[config.encryptionKeyId] = Buffer.from(currentB64, 'base64');
  return createKeyring(config.encryptionKeyId, keys, config.encryptionHashKeyId ?? config.encryptionKeyId);
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A random token for URLs and cookies (base64url, 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
