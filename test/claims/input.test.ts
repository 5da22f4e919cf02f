import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { rowCounts } from '../helpers/routes.js';
import { attendedSession, MILEAGE } from './helpers.js';

describe('claims: bad input', () => {
  it('when a claim holds negative km, 25 hours of childcare, a fraction of a cent or an unknown session, then 400 names the field and nothing is stored', async () => {
    const { staff, sessionId, person } = await attendedSession();
    const base = { participantId: person.id, sessionIds: [sessionId] };
    const cases: [unknown, string][] = [
      [{ ...base, lines: [{ ...MILEAGE, distanceDeciKm: -10 }] }, 'lines.0.distanceDeciKm'],
      [
        { ...base, lines: [{ kind: 'childcare', amountCents: 2000, childcareQuarterHours: 100 }] },
        'lines.0.childcareQuarterHours',
      ],
      [
        {
          ...base,
          lines: [
            { kind: 'childcare', amountCents: 2000, childcareQuarterHours: 60 },
            { kind: 'childcare', amountCents: 2000, childcareQuarterHours: 40 },
          ],
        },
        'lines.1.childcareQuarterHours',
      ],
      [{ ...base, lines: [{ kind: 'public_transport', amountCents: 12.5 }] }, 'lines.0.amountCents'],
      [{ ...base, sessionIds: ['00000000-0000-4000-8000-000000000000'], lines: [MILEAGE] }, 'sessionIds.0'],
      [{ ...base, lines: [{ kind: 'mileage', fiscalPower: 'cv_6_7' }] }, 'lines.0.distanceDeciKm'],
    ];
    const before = await rowCounts(['web_sessions']);
    for (const [body, field] of cases) {
      const r = await staff.post('/api/claims', body);
      expect(r.status, `${field}: ${r.text}`).to.equal(400);
      expect(
        r.body.error.details.map((d: { field: string }) => d.field),
        r.text,
      ).to.include(field);
    }
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when an executable renamed .pdf is sent as a receipt, then 400 names the file and nothing is stored', async () => {
    const { staff, sessionId, person } = await attendedSession();
    const c = await staff.post('/api/claims', { participantId: person.id, sessionIds: [sessionId], lines: [MILEAGE] });
    const before = await rowCounts(['web_sessions']);
    const r = await staff.upload(
      'POST',
      `/api/claims/${c.body.id}/receipts`,
      { amountCents: '1000' },
      { field: 'file', name: 'ticket.pdf', bytes: SAMPLE_FILES.executable, type: 'application/pdf' },
    );
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0].field).to.equal('file');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when the same Idempotency-Key is sent again, then the first claim is replayed; with another body, 422; concurrent duplicates create one claim', async () => {
    const { staff, sessionId, person } = await attendedSession();
    const body = { participantId: person.id, sessionIds: [sessionId], lines: [MILEAGE] };
    const send = (key: string, b: unknown) =>
      staff.request('POST', '/api/claims', { json: b, headers: { 'idempotency-key': key } });
    const first = await send('cle-1', body);
    expect(first.status, first.text).to.equal(201);
    const again = await send('cle-1', body);
    expect(again.status).to.equal(201);
    expect(again.body.id).to.equal(first.body.id);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    const other = await send('cle-1', { ...body, lines: [] });
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('idempotency_key_reused');
    const before = Number((await ctx().deps.db('claims').where({ participant_id: person.id }).count({ n: '*' }))[0].n);
    const burst = await Promise.all(Array.from({ length: 5 }, () => send('cle-2', body)));
    expect(burst.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201]);
    expect(new Set(burst.map((r) => r.body.id)).size).to.equal(1);
    const after = Number((await ctx().deps.db('claims').where({ participant_id: person.id }).count({ n: '*' }))[0].n);
    expect(after - before).to.equal(1);
  });
});
