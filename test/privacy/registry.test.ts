import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { REGISTRY } from '../../server/privacy/registry.js';
import { LIFECYCLE_RULES, rowScopes } from '../../server/privacy/registry-types.js';
import { erasedColumns } from '../../server/privacy/erasure.js';

describe('personal-data registry', () => {
  it('when the database schema is compared with the registry, then every table and column is declared and every declaration exists', async () => {
    const { rows } = await ctx().deps.db.raw(
      "SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE 'knex_migrations%'",
    );
    const inSchema = new Set((rows as { table_name: string; column_name: string }[]).map((r) => `${r.table_name}.${r.column_name}`));
    const declared = new Set(Object.entries(REGISTRY).flatMap(([t, d]) => Object.keys(d.columns).map((c) => `${t}.${c}`)));
    const undeclared = [...inSchema].filter((c) => !declared.has(c)).sort();
    const vanished = [...declared].filter((c) => !inSchema.has(c)).sort();
    expect(undeclared, 'columns missing from server/privacy/registry.ts (declare them: docs/personal-data.md)').to.deep.equal([]);
    expect(vanished, 'declared columns that no longer exist').to.deep.equal([]);
  });

  it('when a document is stored, then whatever purpose the schema allows falls in a retention kind of the registry', async () => {
    const { rows } = await ctx().deps.db.raw("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'files_purpose_check'");
    const allowed = [...(rows[0].def as string).matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort();
    expect(allowed).to.deep.equal(['consent_evidence', 'invoice', 'payment_file', 'receipt']);
    const covered = new Set(Object.values(REGISTRY.files.kinds!).map((k) => /purpose = '([a-z_]+)'/.exec(k.rows)![1]));
    for (const purpose of allowed) expect(covered.has(purpose), purpose).to.equal(true);
    const refused = await ctx().deps.db('files').insert({ sha256: 'x'.repeat(64), media_type: 'application/pdf', size_bytes: 1, content: Buffer.from('x'), purpose: 'other' }).then(() => 'stored', (e: { code?: string }) => e.code);
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
        if (lifecycle && !scope.participantLink) problems.push(`${name}: lifecycle rule on a table not linked to participants`);
        if (lifecycle && c.erasure === 'keep') problems.push(`${name}: lifecycle rule without an erasure`);
        if (!lifecycle && c.erasure !== 'keep') problems.push(`${name}: erasure outside the lifecycle`);
        if (c.accounting !== (c.retention === 'accounting')) problems.push(`${name}: accounting flag and retention disagree`);
        if (c.specialCategory && c.legalBasis !== 'explicit_consent') problems.push(`${name}: special category without explicit consent`);
        if (c.category === 'special_category_health' && !c.specialCategory) problems.push(`${name}: health data not flagged special`);
      }
    }
    for (const [table, decl] of Object.entries(REGISTRY)) {
      if (!decl.kinds) continue;
      if (decl.participantLink) problems.push(`${table}: a table with kinds of rows links participants per kind`);
      const perKind = Object.entries(decl.columns).filter(([, c]) => !c.personal && c.byKind).map(([n]) => n).sort();
      for (const [kind, k] of Object.entries(decl.kinds)) {
        if (JSON.stringify(Object.keys(k.columns).sort()) !== JSON.stringify(perKind)) problems.push(`${table} (${kind}): declares ${Object.keys(k.columns)} instead of ${perKind}`);
        if (!k.participantLink && !k.note) problems.push(`${table} (${kind}): outside the lifecycle without saying why`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('when the steps are derived from the registry, then archiving keeps names and bank details and anonymisation erases them', () => {
    const archive = erasedColumns('archive');
    const anonymise = erasedColumns('anonymise');
    expect(archive.participants).to.include.members(['email', 'phone', 'needs', 'needs_note', 'profile_age_band', 'guardian_name', 'partner_id']);
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
    expect(anonymise.payees).to.include.members(['name', 'iban_ciphertext', 'iban_key_id', 'iban_hash', 'iban_masked', 'bic']);
    expect(anonymise.participants).to.not.include.members(['reference', 'status', 'last_contact_at']);
  });
});
