import type { Config } from '../config.js';
import { auditKeysFromConfig } from './keys.js';
import { currentState, readSignedFiles } from './checkpoints.js';

/** What the register and audit pages publish: the key that verifies signed checkpoints. */
export function auditPublicKey(config: Config) {
  const keys = auditKeysFromConfig(config);
  const last = currentState(readSignedFiles(config.auditCheckpointDir, keys).files.map((f) => f.payload)).last;
  return {
    pem: keys.publicKeyPem,
    fingerprint: keys.publicKeyFingerprint,
    downloadHref: '/api/audit/checkpoint',
    lastSigned: last ? { seq: last.seq, epoch: last.epoch, signedAt: new Date(last.signedAt) } : null,
  };
}
