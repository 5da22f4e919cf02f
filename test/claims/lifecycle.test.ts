import { expect } from 'chai';
import { CLAIM_TRANSITIONS } from '../../server/claims/index.js';
import { mayMove, statusesBefore } from '../../server/claims/lifecycle.js';
import { CLAIM_STATUSES } from '../../server/claims/schemas.js';
import { REGISTRY } from '../../server/privacy/index.js';
import { tableCalls } from '../../scripts/architecture/scan.js';

describe('claims: the lifecycle table', () => {
  it('when a status exists, then the table says what may follow it', () => {
    expect(Object.keys(CLAIM_TRANSITIONS).sort()).to.deep.equal([...CLAIM_STATUSES].sort());
  });

  it('when a claim is paid, then it was in a batch; only a decided claim goes into a batch', () => {
    expect(statusesBefore('paid')).to.deep.equal(['in_batch']);
    expect(statusesBefore('in_batch').sort()).to.deep.equal(['approved', 'partially_approved']);
    expect(statusesBefore('submitted')).to.deep.equal(['draft']);
  });

  it('when a claim is batched, paid or cancelled, then it cannot be cancelled; a cancelled claim stays cancelled', () => {
    expect(mayMove('in_batch', 'cancelled')).to.equal(false);
    expect(mayMove('paid', 'cancelled')).to.equal(false);
    expect(CLAIM_TRANSITIONS.cancelled).to.deep.equal([]);
    expect(mayMove('draft', 'cancelled')).to.equal(true);
  });

  it('when code in server/ writes a claim’s status, then it is claims/lifecycle.ts: no other file sets claims.status', () => {
    const writes = tableCalls(new Set(Object.keys(REGISTRY)))
      .filter((c) => c.table === 'claims' && c.access === 'write' && c.file !== 'server/claims/lifecycle.ts')
      .filter((c) =>
        c.via === 'sql' ? /\bSET\b[\s\S]*\bstatus\s*=/.test(c.text) : /[{,]\s*status\s*[:,}]/.test(c.text),
      )
      .map((c) => `${c.file}:${c.line}`);
    expect(writes).to.deep.equal([]);
  });
});
