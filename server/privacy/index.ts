export { REGISTRY } from './registry.js';
export { runDailyRetention, startRetentionRun, executeRetention, type RetentionMode, type RetentionResult } from './retention.js';
export { hasAccountingRecords, lastPaymentAt } from './accounting.js';
export { recordPrivacyRequest } from './requests.js';
export { addOneMonth } from './requests.js';
export { MESSAGE_USES, isConsentBased, useOfTemplate, type MessageUse, type MessageUseCode } from './registry-uses.js';
export { archiveDoor, auditArchivedInExport, participantScopedParams, participantOfRowSql, type ArchiveRule } from './archive-door.js';
