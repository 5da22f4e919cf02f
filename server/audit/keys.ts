import { createHash, createHmac, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.js';
import { loadOrCreateKeyFile } from '../shared/crypto.js';

/**
 * The audit trail's secrets. They come from the environment or from key files beside the
 * embedded data folder, never from the database: a database superuser who can rewrite every
 * row still cannot compute a keyed link nor sign a checkpoint.
 */
export interface AuditKeys {
  /** HMAC-SHA256 key of the chain links from the switch event on. */
  hmacKey: Buffer;
  /** A short public name of the HMAC key (recorded in the switch event; reveals nothing of the key). */
  hmacKeyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The Ed25519 public key (SPKI PEM) that verifies checkpoints; published on the register page. */
  publicKeyPem: string;
  /** SHA-256 of the public key (DER), hex, grouped by 4 for reading aloud. */
  publicKeyFingerprint: string;
}

// PKCS#8 header of a raw 32-byte Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Key files beside the embedded data folder (`./data` → `./data.audit-hmac.key`), like `data.key`. */
export function auditKeyFilePaths(dataDir: string) {
  const base = path.join(path.dirname(dataDir), path.basename(dataDir));
  return { hmac: `${base}.audit-hmac.key`, signing: `${base}.audit-signing.key` };
}

/** Builds the keys from two base64 32-byte secrets (HMAC key, Ed25519 seed). */
export function createAuditKeys(hmacB64: string, signingSeedB64: string): AuditKeys {
  const hmacKey = Buffer.from(hmacB64, 'base64');
  const seed = Buffer.from(signingSeedB64, 'base64');
  if (hmacKey.length !== 32 || seed.length !== 32) throw new Error('audit keys must be 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return {
    hmacKey,
    hmacKeyId: createHmac('sha256', hmacKey).update('participation audit key id').digest('hex').slice(0, 16),
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicKeyFingerprint: createHash('sha256').update(der).digest('hex').match(/.{4}/g)!.join(' '),
  };
}

const cache = new WeakMap<Config, AuditKeys>();

/**
 * The audit keys of a configuration: AUDIT_HMAC_KEY and AUDIT_SIGNING_KEY, or (embedded
 * database only, see config.ts) key files created on first use with mode 0600.
 */
export function auditKeysFromConfig(config: Config): AuditKeys {
  let keys = cache.get(config);
  if (!keys) {
    const files = auditKeyFilePaths(config.dataDir);
    keys = createAuditKeys(
      config.auditHmacKey ?? loadOrCreateKeyFile(files.hmac),
      config.auditSigningKey ?? loadOrCreateKeyFile(files.signing),
    );
    cache.set(config, keys);
  }
  return keys;
}
