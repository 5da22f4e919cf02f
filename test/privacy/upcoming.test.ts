import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { atClock, years } from './helpers.js';
import { actingAsSystem } from '../helpers/acting.js';
import { refreshRetentionForecast } from '../../server/privacy/index.js';

// This test's era: February 1965 (see lifecycle.test.ts: each test has its own past).
const NOW = new Date('1965-02-10T12:00:00Z');

describe('retention: who comes due in the next months', () => {
  it('when people reach the end of their active period in the coming months, then the overview counts them per month from today on, a later consent moving one to its month, the overdue and the later ones left out', async () => {
    const dpo = await signedIn('dpo');
    const db = ctx().deps.db;
    const first = await atClock(NOW, () => dpo.get('/api/privacy/retention'));
    expect(first.status, first.text).to.equal(200);
    const y = first.body.policy.activeYearsAfterLastContact as number;
    const person = async (lastContact: string, consentOn?: string) => {
      const [{ id }] = await db('participants')
        .insert({
          first_name: 'Échéance',
          last_name: lastContact,
          preferred_channel: 'letter',
          last_contact_at: years(new Date(`${lastContact}T12:00:00Z`), -y),
        })
        .returning('id');
      if (consentOn)
        await db('consents').insert({
          participant_id: id,
          purpose_code: 'contact',
          legal_basis: 'consent',
          text_version: 1,
          channel: 'paper',
          given_on: years(new Date(`${consentOn}T12:00:00Z`), -y)
            .toISOString()
            .slice(0, 10),
        });
    };
    await person('1965-02-20'); // February
    await person('1965-03-05'); // March
    await person('1965-03-28'); // March
    await person('1965-03-01', '1965-04-20'); // a consent after the last contact: April
    await person('1965-02-01'); // overdue: counted as due, not upcoming
    await person('1965-06-01'); // after the window
    // The forecast is stored (the job recomputes it every 30 minutes): as it was until recomputed.
    const stored = await atClock(NOW, () => dpo.get('/api/privacy/retention'));
    expect(stored.body.upcoming).to.deep.equal(first.body.upcoming);
    expect(stored.body.upcomingComputedAt).to.equal(first.body.upcomingComputedAt);
    await atClock(NOW, async () => refreshRetentionForecast(ctx().deps, await actingAsSystem()));
    const r = await atClock(NOW, () => dpo.get('/api/privacy/retention'));
    expect(r.body.upcomingComputedAt).to.equal(NOW.toISOString());
    const delta = r.body.upcoming.map((m: { month: string; count: number }, i: number) => [
      m.month,
      m.count - first.body.upcoming[i].count,
    ]);
    expect(delta).to.deep.equal([
      ['1965-02', 1],
      ['1965-03', 2],
      ['1965-04', 1],
    ]);
  });
});
