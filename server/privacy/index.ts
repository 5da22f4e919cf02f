export { privacyRoutes } from './routes.js';
export { privacyPages } from './pages.js';
export { participantPrivacyPages } from './participant-page.js';
export { REGISTRY } from './registry.js';
export { runDailyRetention, startRetentionRun, executeRetention, type RetentionMode, type RetentionResult } from './retention.js';
export { hasAccountingRecords, lastPaymentAt } from './accounting.js';
export { recordPrivacyRequest } from './requests.js';
export { addOneMonth } from './requests.js';
export { archiveDoor, participantScopedParams, participantOfRowSql, ARCHIVE_READER_ROLES } from './archive-door.js';
