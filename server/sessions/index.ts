export { sessionRoutes } from './routes.js';
export { sessionPages } from './pages.js';
export { hasAttended } from './repo.js';
export { moveSessionParticipants } from './merge-attendance.js';
