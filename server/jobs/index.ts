// Jobs: long work started by a request (retention runs, big imports and exports) that answers
// 202 at once; its record in the `jobs` table (owned here) says how far it is, and
// GET /api/jobs/:id shows it to the one who started it or an admin. The periodic work of the
// service (sealing the audit chain, retention, the outbox…) is run by `scheduler.ts`, started
// from main.ts and not exported here: it calls six capabilities, several of which start jobs.
export { startJob, getJob, showJob, presentJob, type JobRow, type Progress } from './records.js';
export { JobView } from './routes.js';
