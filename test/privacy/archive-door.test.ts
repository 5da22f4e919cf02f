import { expect } from 'chai';
import type { TSchema } from '@sinclair/typebox';
import { declaredRoutes } from '../helpers/routes.js';
import { REGISTRY } from '../../server/privacy/registry/registry.js';
import { participantScopedParams } from '../../server/privacy/archive-door.js';
import { ARCHIVE_READER_ROLES } from '../../server/participants/index.js';
import { ROLES } from '../../server/shared/authorize.js';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { TICKET } from '../claims/helpers.js';
import { approvedClaim, exportedBatch, payingSetup } from '../payments/helpers.js';
import { createFullPerson } from './helpers.js';

type Schema = TSchema & Record<string, unknown>;

describe('archive door: every path parameter says what it identifies', () => {
  it('when a route has a path parameter, then its params schema declares it: a record id of a registry table (RecordId), or a value that is no id (a year, a code)', () => {
    const wrong: string[] = [];
    for (const route of declaredRoutes()) {
      for (const name of [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1])) {
        const s = ((route.params as Schema | undefined)?.properties as Record<string, Schema> | undefined)?.[name];
        const where = `${route.method.toUpperCase()} ${route.path} :${name}`;
        if (!s) wrong.push(`${where}: not in params`);
        else if (s['x-record'] !== undefined) {
          if (!(String(s['x-record']) in REGISTRY))
            wrong.push(`${where}: x-record ${String(s['x-record'])} is no registry table`);
        } else if (s.format === 'uuid') wrong.push(`${where}: a uuid without its record type`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
  });
});

describe('archive door: data of an archived person is for finance and the DPO, each access audited', () => {
  it('when every role opens every route that names a row of an archived person, then only finance and the DPO get it, each success leaves one participant.archived_read; staff got 200 on 14 such routes before', async function () {
    this.timeout(300_000);
    const db = ctx().deps.db;
    const s = await payingSetup();
    const person = await createFullPerson();
    await db('session_participants').insert({
      session_id: s.sessionId,
      participant_id: person.id,
      status: 'attended',
      walk_in: true,
    });
    const paid = await approvedClaim(s, person.id);
    const batch = await exportedBatch(s, [paid.id]);
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
    const draft = await s.staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [s.sessionId],
      lines: [TICKET(450)],
    });
    expect(draft.status, draft.text).to.equal(201);
    const receipt = await s.staff.upload(
      'POST',
      `/api/claims/${draft.body.id}/receipts`,
      { amountCents: '450' },
      { field: 'file', name: 'ticket.pdf', bytes: Buffer.from(`%PDF-1.4\n% ticket ${person.id}\n%%EOF\n`) },
    );
    expect(receipt.status, receipt.text).to.equal(201);
    await db('participants').where({ id: person.id }).update({ status: 'archived', archived_at: new Date() });

    // A row of each kind that a route may name: the person's own, and the batch and session around them.
    const idOf: Record<string, string | undefined> = {
      participants: person.id,
      claims: paid.id,
      payees: (await db('payees').where({ participant_id: person.id }).first('id'))?.id,
      payments: (await db('payments').where({ participant_id: person.id }).first('id'))?.id,
      consents: (await db('consents').where({ participant_id: person.id }).first('id'))?.id,
      privacy_requests: person.requestId,
      claim_receipts: (await db('claim_receipts').where({ claim_id: draft.body.id }).first('id'))?.id,
      expenses: (await db('expenses').where({ participant_id: person.id }).first('id'))?.id,
      payment_batches: batch.id,
      sessions: s.sessionId,
    };
    for (const table of ['payees', 'payments', 'consents', 'claim_receipts', 'expenses'])
      expect(idOf[table], table).to.be.a('string');

    const routes = declaredRoutes().filter((r) => r.method === 'get' && participantScopedParams(r).length > 0);
    const clients = Object.fromEntries(
      await Promise.all(ROLES.map(async (role) => [role, await signedIn(role)] as const)),
    );
    const unbuilt: string[] = [];
    const granted: string[] = [];
    const leaked: string[] = [];
    for (const route of routes) {
      let unknown = false;
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
        const s2 = (route.params as unknown as { properties: Record<string, { 'x-record'?: string }> }).properties[
          name
        ];
        if (!s2['x-record']) return String(new Date().getFullYear());
        const id = idOf[s2['x-record']];
        if (!id) unknown = true;
        return id ?? '';
      });
      if (unknown) {
        unbuilt.push(route.path);
        continue;
      }
      const url = `${path}?kind=refund`;
      for (const role of ROLES) {
        const client = clients[role];
        const before = await archivedReads(person.id, client.user.id);
        const r = await client.get(url);
        const after = await archivedReads(person.id, client.user.id);
        if (r.status >= 200 && r.status < 300) {
          if ((ARCHIVE_READER_ROLES as readonly string[]).includes(role)) {
            granted.push(`${role} ${route.path}`);
            expect(after - before, `${role} GET ${route.path}: one archived_read`).to.equal(1);
          } else leaked.push(`${role} GET ${route.path} → ${r.status}`);
        } else if ((ARCHIVE_READER_ROLES as readonly string[]).includes(role)) {
          // The door audits when it opens, before the handler answers (a 404 or 409 after it).
          expect(after - before, `${role} GET ${route.path} → ${r.status}`).to.be.at.most(1);
        } else expect(after, `${role} GET ${route.path} → ${r.status}: nothing audited`).to.equal(before);
      }
    }
    expect(unbuilt, 'routes whose ids the test cannot build: add a row of that kind to idOf').to.deep.equal([]);
    expect(leaked).to.deep.equal([]);
    // The walk must have opened the archive for real (participant, claims, payees, certificates, evidence…).
    expect(granted.length, granted.join('\n')).to.be.at.least(14);
    // A batch file that carries an archived person leaves one event naming how many.
    const events = async () =>
      db('audit_events')
        .where({ action: 'participant.archived_read', record_type: 'payment_batch', record_id: batch.id })
        .orderBy('id')
        .pluck('data');
    const before = (await events()).length;
    expect((await s.finance.get(`/api/payment-batches/${batch.id}/accounting.csv`)).status).to.equal(200);
    const after = await events();
    expect(after.length - before).to.equal(1);
    expect(after[after.length - 1]).to.deep.equal({ via: 'batch file csv', archivedCount: 1 });
  });
});

async function archivedReads(participantId: string, userId: string): Promise<number> {
  const [{ n }] = await ctx()
    .deps.db('audit_events')
    .where({ action: 'participant.archived_read', record_id: participantId, actor_user_id: userId })
    .count({ n: '*' });
  return Number(n);
}
