export { recordAudit, type AuditActor, type AuditEntry } from './record.js';
export { sealAudit, type AuditDeps } from './seal.js';
export { verifyAuditChain, auditHead, type ChainReport } from './verify.js';
export { writeAuditCheckpoint, sealAndCheckpoint } from './write-checkpoint.js';
export { startAuditEpoch } from './epoch.js';
export { auditKeysFromConfig, auditKeyFilePaths } from './keys.js';
export { auditRoutes, auditPages, auditPublicKey } from './routes.js';
export { auditActorOf } from './actor.js';
export { auditVerifyCommand, auditEpochCommand } from './cli.js';
