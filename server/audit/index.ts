// Audit — the journal of who did what (docs/domain.md#audit-event).
// Words: journal d’audit → audit event; scellement → seal (the hash chain); époque → epoch.
// Shape: append-only audit events (ids and codes, never personal data), linked by the sealer into
//   a SHA-256 chain with signed checkpoints; the database refuses UPDATE, DELETE and TRUNCATE.
// Owns: audit_events, audit_chain.
// Calls: settings; shared/.

export { recordAudit, type AuditEntry } from './record.js';
export { sealAudit, type AuditDeps } from './seal.js';
export { verifyAuditChain, auditHead, type ChainReport } from './verify.js';
export { writeAuditCheckpoint, sealAndCheckpoint } from './write-checkpoint.js';
export { startAuditEpoch } from './epoch.js';
export { auditKeysFromConfig, auditKeyFilePaths } from './keys.js';
export { auditPublicKey } from './public-key.js';
export { auditVerifyCommand, auditEpochCommand } from './cli.js';
