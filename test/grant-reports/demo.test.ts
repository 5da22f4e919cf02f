import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { pdfText } from '../helpers/documents.js';
import { fetchBytes } from './helpers.js';

describe('demo grant reports', () => {
  it('when the demo is loaded, then the Pacte des solidarités grant has drawdown n° 1 on what was paid, gap explanations and a dashboard', async () => {
    const grant = await ctx().deps.db('grants').where({ agreement_number: 'PDS-26-2024-017' }).first('id');
    expect(grant, 'the demo grants step made the Pacte grant').to.not.equal(undefined);
    const finance = await signedIn('finance');
    const list = await finance.get(`/api/grants/${grant.id}/drawdowns`);
    expect(list.status, list.text).to.equal(200);
    const first = list.body.items.find((d: { number: number }) => d.number === 1);
    // 50 % of what was paid, rounded half up per year (the 30 000 € ceilings are far).
    expect(Math.abs(first.requestedCents - first.eligibleActualCents / 2)).to.be.at.most(first.years.length);
    expect(first.requestedCents).to.be.greaterThan(0);
    const notes = await ctx().deps.db('grant_report_notes').where({ grant_id: grant.id }).select('category');
    expect(notes.map((n: { category: string }) => n.category)).to.include.members([
      'facilitation',
      'allowances',
      'venue',
    ]);
    const dashboard = await finance.get(`/api/grants/${grant.id}/dashboard`);
    expect(dashboard.body.totals.actualCents).to.be.at.least(first.eligibleActualCents);
    const doc = pdfText((await fetchBytes(finance, `/api/drawdowns/${first.id}/document.pdf`)).bytes);
    expect(doc).to.include('Demande de versement n° 1').and.include('Pacte des solidarités');
  });
});
