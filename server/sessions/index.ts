export { sessionRoutes } from './routes.js';
export { sessionPages } from './pages.js';
export { hasAttended, moveSessionParticipants } from './repo.js';
