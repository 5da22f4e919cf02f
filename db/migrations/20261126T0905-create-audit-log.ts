import type { Knex } from 'knex';

// The audit log is append-only: events are inserted in the business transaction, and a
// sealer later links committed events into a hash chain (audit_chain), one sealer at a time
// under an advisory lock so that concurrent writers never fork the chain. Triggers refuse
// UPDATE, DELETE and TRUNCATE on both tables, and the owning role gives those rights up.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE audit_events (
      id bigserial PRIMARY KEY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      actor_user_id uuid,
      actor_token_id uuid,
      action text NOT NULL,
      record_type text,
      record_id text,
      reason_code text,
      request_id text,
      data jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    CREATE INDEX audit_events_occurred ON audit_events (occurred_at);
    CREATE INDEX audit_events_record ON audit_events (record_type, record_id);
    CREATE INDEX audit_events_actor ON audit_events (actor_user_id);
    CREATE INDEX audit_events_action ON audit_events (action);

    CREATE TABLE audit_chain (
      seq bigint PRIMARY KEY,
      event_id bigint NOT NULL UNIQUE REFERENCES audit_events (id),
      prev_hash text NOT NULL,
      hash text NOT NULL,
      sealed_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
    END $$;
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
    CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
    CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

    -- The text that is hashed for one event; the verifier hashes the same text.
    CREATE FUNCTION audit_event_canonical(e audit_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT concat_ws('|', e.id::text,
        to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(e.actor_user_id::text, ''), coalesce(e.actor_token_id::text, ''),
        e.action, coalesce(e.record_type, ''), coalesce(e.record_id, ''),
        coalesce(e.reason_code, ''), coalesce(e.request_id, ''), e.data::text)
    $$;

    -- Seals up to max_rows committed events in the order they are seen committed.
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

    REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_chain FROM PUBLIC;
  `);
  // The owner of the tables gives up UPDATE/DELETE/TRUNCATE too (no effect for a superuser,
  // which the triggers still stop).
  await knex.raw('REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_chain FROM CURRENT_USER');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP FUNCTION audit_seal(integer);
    DROP FUNCTION audit_event_canonical(audit_events);
    DROP TABLE audit_chain;
    DROP TABLE audit_events;
    DROP FUNCTION audit_refuse_change();
  `);
}
