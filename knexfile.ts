// For people who use the knex CLI against a PostgreSQL server:
//   DATABASE_URL=postgres://… NODE_OPTIONS='--import tsx' npx knex migrate:status
// The service and `npm run migrate` apply migrations in-process (server/shared/db.ts), which also
// covers the embedded database. Never point the knex CLI at an embedded folder in use.
import { migrationSource } from './server/shared/db.js';

export default {
  client: 'pg',
  connection: { connectionString: process.env.DATABASE_URL },
  migrations: { migrationSource },
};
