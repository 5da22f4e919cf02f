export { recordAudit, type AuditActor, type AuditEntry } from './record.js';
export { sealAudit, type AuditDeps } from './seal.js';
export { verifyAuditChain, auditHead, type ChainReport } from './verify.js';
export { writeAuditCheckpoint, sealAndCheckpoint } from './write-checkpoint.js';
export { startAuditEpoch } from './epoch.js';
export { auditKeysFromConfig, auditKeyFilePaths } from './keys.js';
export { auditActorOf } from './actor.js';
export { auditPublicKey } from './public-key.js';
export { auditVerifyCommand, auditEpochCommand } from './cli.js';
