// Participants — the people who take part (docs/domain.md#participant).
// Words: usager, personne concernée → participant; structure relais → partner; besoins → needs;
//   profil → representativeness profile (docs/domain.md#representativeness-profile); fusion → merge.
// Shape: a participant with a public reference (P-2026-00042), contact, needs and profile, and a
//   data status active → archived → anonymised (docs/domain.md#personal-data-lifecycle);
//   imports from spreadsheets (docs/domain.md#imports), likely duplicates and merges.
// Owns: participants.
// Calls: audit, auth, claims, consents, notifications, partners, payments, sessions, settings; shared/.
export {
  PARTICIPANT_READERS,
  PARTICIPANT_WRITERS,
  ARCHIVE_READER_ROLES,
  canReadArchived,
  archivedRestricted,
} from './policy.js';
export {
  markArchived,
  markAnonymised,
  touchLastContact,
  eraseProfile,
  eraseNeeds,
  setPreferredChannel,
  participantContact,
  activeParticipantContacts,
  type ParticipantContact,
} from './repo.js';
export { channelFor, fullName } from './contact.js';
export { searchColumns } from './search-columns.js';
export { expireStaleImports } from '../shared/import-previews.js';
export type { ParticipantCreateBody, ParticipantPatchBody } from './schemas.js';
