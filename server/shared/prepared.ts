import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './db.js';

/**
 * Runs a read of a hot path (the claims queue, the API token lookup) as a named prepared
 * statement on the PostgreSQL server: the server plans it once per connection, then only binds
 * and executes (the queue spent 2.0 ms planning for 0.8 ms executing, issue 16). The name is a
 * hash of the SQL text: two shapes of a query (other filters) are two statements, and a name
 * never stands for two texts. Inside a transaction, or on the embedded database (one
 * connection, no network), it runs as usual. Listeners of knex's `query` event (the query-plan
 * check, the logs of slow queries) still see it.
 */
export async function preparedRows<Row>(db: Db, query: Knex.QueryBuilder | Knex.Raw): Promise<Row[]> {
  const client = db.client as Knex.Client & {
    acquireConnection(): Promise<{ query(q: object): Promise<{ rows: Row[] }> }>;
    releaseConnection(c: unknown): Promise<void>;
    emit(event: string, payload: unknown): void;
  };
  // The embedded database's connection is a function (PGlite's adapter), the server's a URL.
  const embedded = typeof client.config.connection === 'function';
  if (db.isTransaction || embedded) return (await query) as Row[];
  const native = query.toSQL().toNative();
  const name = `p_${createHash('sha1').update(native.sql).digest('hex').slice(0, 24)}`;
  client.emit('query', { sql: native.sql, bindings: native.bindings, method: 'select', prepared: name });
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ name, text: native.sql, values: native.bindings })).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
