// Privacy — personal data and people's rights (docs/domain.md#personal-data-lifecycle).
// Words: durée de conservation → retention; archive restreinte → restricted archive; effacement →
//   erasure; demande d’exercice des droits → privacy request; registre des traitements → processing register.
// Shape: the personal-data registry (every table and column, its owner, purpose, legal basis,
//   retention), retention runs active → archived → anonymised, erasure, the access export,
//   privacy requests (open → completed | refused), the archive door (docs/domain.md#restricted-archive).
// Owns: privacy_requests, privacy_figures (and blanks the personal columns the registry declares, in every table).
// Calls: audit, auth, claims, jobs, notifications, participants, settings; shared/.
export { REGISTRY } from './registry/registry.js';
export {
  runDailyRetention,
  startRetentionRun,
  executeRetention,
  type RetentionMode,
  type RetentionResult,
} from './retention.js';
export { hasAccountingRecords, lastPaymentAt } from './accounting-repo.js';
export { recordPrivacyRequest } from './requests.js';
export { refreshRetentionForecast, refreshStaleRetentionForecast } from './overview.js';
export { movePrivacyRequests } from './repo.js';
export { addOneMonth } from './requests.js';
export { MESSAGE_USES, isConsentBased, useOfTemplate, type MessageUse, type MessageUseCode } from './registry/uses.js';
export {
  archiveDoor,
  auditArchivedInExport,
  participantScopedParams,
  participantOfRowSql,
  type ArchiveRule,
} from './archive-door.js';
