import type { Knex } from 'knex';

// The chain is now sealed by the service (server/audit/seal.ts): from a recorded switch event
// on, each link is an HMAC under a key that must never reach the database, so no SQL function
// can compute it. The SQL sealer goes, so that nothing seals with plain SHA-256 any more.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION audit_seal(integer)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION audit_seal(max_rows integer) RETURNS integer LANGUAGE plpgsql AS $$
    DECLARE
      last_seq bigint;
      last_hash text;
      next_hash text;
      r audit_events;
      n integer := 0;
    BEGIN
      PERFORM pg_advisory_xact_lock(727100501);
      SELECT seq, hash INTO last_seq, last_hash FROM audit_chain ORDER BY seq DESC LIMIT 1;
      IF last_seq IS NULL THEN
        last_seq := 0;
        last_hash := repeat('0', 64);
      END IF;
      FOR r IN
        SELECT e.* FROM audit_events e
        WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
        ORDER BY e.id LIMIT max_rows
      LOOP
        last_seq := last_seq + 1;
        next_hash := encode(sha256(convert_to(last_hash || '|' || audit_event_canonical(r), 'UTF8')), 'hex');
        INSERT INTO audit_chain (seq, event_id, prev_hash, hash) VALUES (last_seq, r.id, last_hash, next_hash);
        last_hash := next_hash;
        n := n + 1;
      END LOOP;
      RETURN n;
    END $$;
  `);
}
