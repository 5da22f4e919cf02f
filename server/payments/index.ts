export { paymentRoutes } from './routes.js';
export { paymentPages } from './pages.js';
export { claimPaymentStatus } from './presenter.js';
export { movePayments } from './repo.js';
