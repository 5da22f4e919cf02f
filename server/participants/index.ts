export { PARTICIPANT_READERS, PARTICIPANT_WRITERS, ARCHIVE_READER_ROLES, canReadArchived, archivedRestricted } from './policy.js';
export { registerParticipant } from './register-participant.js';
export { updateParticipant } from './update-participant.js';
export { expireStaleImports } from './import-participants.js';
export type { ParticipantCreateBody, ParticipantPatchBody } from './schemas.js';
