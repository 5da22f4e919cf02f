import type { Knex } from 'knex';

// Last line of separation of duties: the database itself refuses to record as decider of a
// claim someone who had a hand on it (claim_hands). The decision use case checks the same rule
// first (claims/policy.ts mayDecide) and answers 409 with the reason; this trigger only fires
// if some future path writes decided_by without going through it. Existing rows are untouched.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION claims_refuse_decider_with_hand() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM claim_hands WHERE claim_id = NEW.id AND user_id = NEW.decided_by) THEN
        RAISE EXCEPTION 'separation of duties: the decider of claim % had a hand on it', NEW.id USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER claims_decider_had_no_hand BEFORE UPDATE OF decided_by ON claims
      FOR EACH ROW WHEN (NEW.decided_by IS NOT NULL AND NEW.decided_by IS DISTINCT FROM OLD.decided_by)
      EXECUTE FUNCTION claims_refuse_decider_with_hand();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER claims_decider_had_no_hand ON claims;
    DROP FUNCTION claims_refuse_decider_with_hand();
  `);
}
