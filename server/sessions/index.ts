// Sessions — workshops, invitations and attendance (docs/domain.md#session, docs/domain.md#attendance).
// Words: atelier, réunion, comité → session; émargement, présence → attendance; venu·e sans
//   invitation → walk-in; invitation → invitation.
// Shape: sessions scheduled → held | cancelled; per person invited → confirmed | declined →
//   attended | absent_excused | absent (docs/domain.md#attendance-is-evidence).
// Owns: sessions, session_participants.
// Calls: audit, auth, claims, consents, grants, notifications, projects, settings, venues; shared/.
export { hasAttended } from './repo.js';
export { moveSessionParticipants } from './merge-attendance.js';
