export { userRoutes } from './routes.js';
export { userPages } from './pages.js';
export { createUser } from './manage-users.js';
