import { expect } from 'chai';
import type { Knex } from 'knex';
import { ctx } from '../helpers/context.js';
import { REGISTRY } from '../../server/privacy/registry/registry.js';
import { LIFECYCLE_RULES, plain, rowScopes, type TableDecl } from '../../server/privacy/registry/types.js';
import { erasedAt, erasedColumns } from '../../server/privacy/erasure.js';

describe('personal-data registry', () => {
  it('when the database schema is compared with the registry, then every table and column is declared and every declaration exists', async () => {
    const { rows } = await ctx().deps.db.raw(
      "SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE 'knex_migrations%'",
    );
    const inSchema = new Set(
      (rows as { table_name: string; column_name: string }[]).map((r) => `${r.table_name}.${r.column_name}`),
    );
    const declared = new Set(
      Object.entries(REGISTRY).flatMap(([t, d]) => Object.keys(d.columns).map((c) => `${t}.${c}`)),
    );
    const undeclared = [...inSchema].filter((c) => !declared.has(c)).sort();
    const vanished = [...declared].filter((c) => !inSchema.has(c)).sort();
    expect(
      undeclared,
      'columns missing from server/privacy/registry/registry.ts (declare them: docs/personal-data.md)',
    ).to.deep.equal([]);
    expect(vanished, 'declared columns that no longer exist').to.deep.equal([]);
  });

  it('when a document is stored, then whatever purpose the schema allows falls in a retention kind of the registry', async () => {
    const { rows } = await ctx().deps.db.raw(
      "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'files_purpose_check'",
    );
    const allowed = [...(rows[0].def as string).matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort();
    expect(allowed).to.deep.equal(['consent_evidence', 'invoice', 'payment_file', 'receipt']);
    const covered = new Set(Object.values(REGISTRY.files.kinds!).map((k) => /purpose = '([a-z_]+)'/.exec(k.rows)![1]));
    for (const purpose of allowed) expect(covered.has(purpose), purpose).to.equal(true);
    const refused = await ctx()
      .deps.db('files')
      .insert({
        sha256: 'x'.repeat(64),
        media_type: 'application/pdf',
        size_bytes: 1,
        content: Buffer.from('x'),
        purpose: 'other',
      })
      .then(
        () => 'stored',
        (e: { code?: string }) => e.code,
      );
    expect(refused).to.equal('23514');
  });

  it('when personal columns are declared, then their rules are consistent', () => {
    const problems: string[] = [];
    for (const scope of rowScopes(REGISTRY)) {
      for (const [column, c] of Object.entries(scope.columns)) {
        const name = `${scope.table}.${column}${scope.kind ? ` (${scope.kind})` : ''}`;
        if (!c.personal) {
          if (c.byKind) problems.push(`${name}: declared per kind of row, but this kind does not declare it`);
          continue;
        }
        const lifecycle = LIFECYCLE_RULES.includes(c.retention);
        if (lifecycle && !scope.participantLink)
          problems.push(`${name}: lifecycle rule on a table not linked to participants`);
        if (lifecycle && c.erasure === 'keep') problems.push(`${name}: lifecycle rule without an erasure`);
        if (!lifecycle && c.erasure !== 'keep') problems.push(`${name}: erasure outside the lifecycle`);
        if (c.accounting !== (c.retention === 'accounting'))
          problems.push(`${name}: accounting flag and retention disagree`);
        if (c.specialCategory && c.legalBasis !== 'explicit_consent')
          problems.push(`${name}: special category without explicit consent`);
        if (c.category === 'special_category_health' && !c.specialCategory)
          problems.push(`${name}: health data not flagged special`);
      }
    }
    for (const [table, decl] of Object.entries(REGISTRY)) {
      if (!decl.kinds) continue;
      if (decl.participantLink) problems.push(`${table}: a table with kinds of rows links participants per kind`);
      const perKind = Object.entries(decl.columns)
        .filter(([, c]) => !c.personal && c.byKind)
        .map(([n]) => n)
        .sort();
      for (const [kind, k] of Object.entries(decl.kinds)) {
        if (JSON.stringify(Object.keys(k.columns).sort()) !== JSON.stringify(perKind))
          problems.push(`${table} (${kind}): declares ${Object.keys(k.columns)} instead of ${perKind}`);
        if (!k.participantLink && !k.note)
          problems.push(`${table} (${kind}): outside the lifecycle without saying why`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('when the steps are derived from the registry, then archiving keeps names and bank details and anonymisation erases them', () => {
    const archive = erasedColumns('archive');
    const anonymise = erasedColumns('anonymise');
    expect(archive.participants).to.include.members([
      'email',
      'phone',
      'needs',
      'needs_note',
      'profile_age_band',
      'guardian_name',
      'partner_id',
    ]);
    expect(archive.participants).to.not.include.members(['first_name', 'last_name']);
    expect(archive).to.not.have.property('payees');
    // Documents: consent evidence and receipts of claims never paid go with the active data;
    // receipts of paid claims stay in the archive; supplier invoices are outside the lifecycle.
    expect(archive['files:consent_evidence']).to.include.members(['content', 'original_name']);
    expect(archive['files:receipt_unpaid']).to.include.members(['content', 'original_name']);
    expect(archive).to.not.have.property('files:receipt_paid');
    expect(anonymise['files:receipt_paid']).to.include.members(['content', 'original_name']);
    expect(anonymise).to.not.have.property('files:invoice');
    expect(anonymise.participants).to.include.members(['first_name', 'last_name', 'email']);
    expect(anonymise.payees).to.include.members([
      'name',
      'iban_ciphertext',
      'iban_key_id',
      'iban_hash',
      'iban_masked',
      'bic',
    ]);
    expect(anonymise.participants).to.not.include.members(['reference', 'status', 'last_contact_at']);
  });
});

/** Text-like columns: where a user could type what they like. */
const TEXT_TYPES = ['text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY'];

/**
 * True when a CHECK constraint binds the column to a list or a pattern on its own
 * (`status IN (…)`, `roles <@ ARRAY[…]`, `postal_code ~ '^[0-9]{5}$'`), so no user types
 * free text in it. A length limit does not count.
 */
function bound(column: string, defs: string[]): boolean {
  const c = `"?${column}"?`;
  const restriction = `${c} (= ANY \\(ARRAY\\[[^\\]]*\\]\\)|<@ ARRAY\\[[^\\]]*\\]|~ '[^']*'::text|= '[^']*'::text)`;
  return defs.some((d) => new RegExp(`^CHECK \\(+${restriction}\\)+( AND .*)?$`).test(d));
}

/**
 * The text, JSON and array columns of the migrated schema whose declaration does not say
 * whether users type free text in them (or that are not declared at all). Personal columns
 * are governed by their own erasure rule and count as declared.
 */
async function undeclaredTextColumns(db: Knex, registry: Record<string, TableDecl>): Promise<string[]> {
  const { rows: columns } = await db.raw(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE 'knex_migrations%' AND (c.data_type = ANY(?) OR c.udt_name = 'citext')`,
    [TEXT_TYPES],
  );
  const { rows: checks } = await db.raw(
    "SELECT conrelid::regclass::text AS table_name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace",
  );
  const defs = new Map<string, string[]>();
  for (const r of checks as { table_name: string; def: string }[])
    defs.set(r.table_name.replace(/^public\./, ''), [...(defs.get(r.table_name) ?? []), r.def]);
  const scopes = rowScopes(registry);
  const problems: string[] = [];
  for (const { table_name: table, column_name: column } of columns as { table_name: string; column_name: string }[]) {
    if (bound(column, defs.get(table) ?? [])) continue;
    const decls = scopes.filter((s) => s.table === table).map((s) => s.columns[column]);
    if (!decls.length || decls.some((d) => !d)) problems.push(`${table}.${column}: undeclared`);
    else if (decls.some((d) => !d.personal && d.freeText === undefined))
      problems.push(`${table}.${column}: say whether users type free text here (code() or typedText())`);
  }
  return problems.sort();
}

describe('free text in the personal-data registry', () => {
  it('when a text, JSON or array column is in the schema, then its declaration says whether users type free text in it', async () => {
    expect(
      await undeclaredTextColumns(ctx().deps.db, REGISTRY),
      'declare them in server/privacy/registry/*.ts (docs/personal-data.md)',
    ).to.deep.equal([]);
  });

  it('when a migration adds a comment column without declaring it, or declares it plain without saying what is typed there, then the check names it', async () => {
    // The check itself must be able to fail: a new free-text column in a transaction rolled back.
    const db = ctx().deps.db;
    let found: unknown;
    const rollback = new Error('rollback');
    await db
      .transaction(async (trx) => {
        await trx.raw('ALTER TABLE expenses ADD COLUMN canary_comment text');
        const undeclared = await undeclaredTextColumns(trx, REGISTRY);
        const plainOnly = await undeclaredTextColumns(trx, {
          ...REGISTRY,
          expenses: { ...REGISTRY.expenses, columns: { ...REGISTRY.expenses.columns, canary_comment: plain() } },
        });
        found = { undeclared, plainOnly };
        throw rollback;
      })
      .catch((e: unknown) => {
        if (e !== rollback) throw e;
      });
    expect(
      await db
        .raw(
          "SELECT 1 FROM information_schema.columns WHERE table_name = 'expenses' AND column_name = 'canary_comment'",
        )
        .then((r: { rows: unknown[] }) => r.rows),
    ).to.deep.equal([]);
    expect(found).to.deep.equal({
      undeclared: ['expenses.canary_comment: undeclared'],
      plainOnly: ['expenses.canary_comment: say whether users type free text here (code() or typedText())'],
    });
  });

  it('when a column holds free text in rows linked to a participant, then it is personal and anonymisation erases it', () => {
    const anonymise = erasedColumns('anonymise');
    const problems: string[] = [];
    for (const scope of rowScopes(REGISTRY)) {
      if (!scope.participantLink) continue;
      const key = scope.kind ? `${scope.table}:${scope.kind}` : scope.table;
      for (const [column, c] of Object.entries(scope.columns)) {
        const free = c.freeText === true || (c.personal && c.category === 'free_text');
        if (!free) continue;
        if (!c.personal) problems.push(`${key}.${column}: free text declared plain in rows linked to a participant`);
        else if (!erasedAt(c, 'anonymise') || !anonymise[key]?.includes(column))
          problems.push(`${key}.${column}: free text kept after anonymisation`);
      }
    }
    expect(problems).to.deep.equal([]);
    // The exact case of issue 13: the reason finance gives for exceeding a budget line on a claim's expense.
    expect(anonymise.expenses).to.include.members(['override_reason', 'description', 'supplier', 'invoice_number']);
    expect(erasedColumns('archive').expenses).to.include('override_reason');
    for (const [table, column] of [
      ['claims', 'override_reason'],
      ['claims', 'decision_note'],
      ['claim_lines', 'reason_note'],
      ['session_participants', 'override_reason'],
      ['privacy_requests', 'requester_note'],
      ['privacy_requests', 'outcome_note'],
      ['participants', 'needs_note'],
    ]) {
      expect(anonymise[table], `${table}.${column}`).to.include(column);
    }
  });
});
