export { JobView } from './routes.js';
