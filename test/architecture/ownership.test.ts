import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { REGISTRY } from '../../server/privacy/index.js';
import { CAPABILITIES } from '../../server/privacy/registry/types.js';
import { capabilityOf, ROOT, tableCalls } from '../../scripts/architecture/scan.js';

const tables = new Set(Object.keys(REGISTRY));

describe('architecture: one owning capability per table', () => {
  it('when a table is declared, then its owner is one capability folder of server/', () => {
    const wrong = Object.entries(REGISTRY)
      .filter(([, t]) => !CAPABILITIES.includes(t.owner) || !existsSync(`${ROOT}/server/${t.owner}`))
      .map(([name, t]) => `${name}: ${t.owner}`);
    expect(wrong).to.deep.equal([]);
  });

  it('when code in server/ inserts, updates or deletes a table, then it is in the table’s owning capability', () => {
    const foreign = tableCalls(tables)
      .filter((c) => c.access === 'write' && REGISTRY[c.table].owner !== capabilityOf(c.file))
      .map((c) => `${c.file}:${c.line} writes ${c.table} (owned by ${REGISTRY[c.table].owner})`);
    expect(foreign).to.deep.equal([]);
  });

  it('when the scanner reads a write, then it sees it: the builder, SQL and insert-into shapes the code uses', () => {
    // The test above is only as good as the scanner: these are the shapes it must recognise.
    const calls = tableCalls(tables, ['scripts/architecture/fixtures/writes.ts']);
    const writes = calls.filter((c) => c.access === 'write').map((c) => `${c.line} ${c.table}`);
    const reads = calls.filter((c) => c.access === 'read').map((c) => `${c.line} ${c.table}`);
    expect(writes).to.deep.equal([
      '5 claims',
      '6 payments',
      '7 batch_claims',
      '8 claims',
      '9 expenses',
      '10 participants',
      '11 files',
    ]);
    expect(reads).to.include.members(['12 claims', '13 payments', '14 claim_lines']);
  });
});
