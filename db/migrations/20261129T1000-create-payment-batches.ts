import type { Knex } from 'knex';

// Payment batches (lots de paiement): approved claims grouped per payee, paid by bank
// transfer (SEPA file or accounting export) or in cash/cheque through the régie. Statuses
// open → exported → paid; an open batch may be cancelled, an exported one only voided with
// a reason (the file must not be sent). Totals are integer cents, set when the batch is built.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE payment_batches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('B'),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'exported', 'paid', 'cancelled', 'voided')),
      kind text NOT NULL CHECK (kind IN ('transfer', 'cash')),
      file_format text CHECK (file_format IN ('pain.001.001.09', 'pain.001.001.03', 'accounting_export', 'cash_slip')),
      created_by uuid REFERENCES users (id),
      exported_at timestamptz,
      exported_by uuid REFERENCES users (id),
      paid_at timestamptz,
      cancelled_at timestamptz,
      voided_at timestamptz,
      void_reason text CHECK (length(void_reason) <= 500),
      total_cents bigint NOT NULL CHECK (total_cents >= 0),
      payment_count integer NOT NULL CHECK (payment_count >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status IN ('exported', 'paid', 'voided')) = (exported_at IS NOT NULL)),
      CHECK ((status = 'paid') = (paid_at IS NOT NULL)),
      CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
      CHECK ((status = 'voided') = (voided_at IS NOT NULL AND void_reason IS NOT NULL))
    );
    CREATE INDEX payment_batches_created ON payment_batches (created_at, id);
    CREATE INDEX payment_batches_status ON payment_batches (status, created_at, id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE payment_batches');
}
