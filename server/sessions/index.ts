export { hasAttended } from './repo.js';
export { moveSessionParticipants } from './merge-attendance.js';
