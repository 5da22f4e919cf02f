export { recordAudit, sealAudit, type AuditActor, type AuditEntry } from './record.js';
export { verifyAuditChain, auditHead, type ChainReport } from './verify.js';
export { auditRoutes, auditPages } from './routes.js';
export { auditActorOf } from './actor.js';
